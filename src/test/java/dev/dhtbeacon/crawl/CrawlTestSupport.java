package dev.dhtbeacon.crawl;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Crawler nodes and receiving-side query logs for crawl tests on loopback testnets. */
final class CrawlTestSupport {
  private CrawlTestSupport() {
  }

  /** A query seen by a testnet node from a watched sender. */
  record Received(InetSocketAddress at, NodeId from, String method, long nanoTime) {
  }

  /**
   * Logs, at the receiving testnet nodes, every query sent by a watched node id: the external
   * truth about what a crawler sent. Silent (dead) nodes drop queries before any listener, so
   * they appear only in the crawler's own send log.
   */
  static final class ReceiveLog {
    private final Set<NodeId> watched = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Received> log = new ConcurrentLinkedQueue<>();

    void attach(List<DhtNode> nodes) {
      for (DhtNode n : nodes) {
        InetSocketAddress at = n.address();
        n.addQueryListener((q, from) -> {
          if (watched.contains(q.sender())) {
            log.add(new Received(at, q.sender(), q.method(), System.nanoTime()));
          }
        });
      }
    }

    void watch(NodeId id) {
      watched.add(id);
    }

    /** Per receiving address, how many queries of {@code method} the given senders sent. */
    Map<InetSocketAddress, Integer> counts(String method, Set<NodeId> from) {
      Map<InetSocketAddress, Integer> out = new HashMap<>();
      for (Received r : log) {
        if (r.method().equals(method) && from.contains(r.from())) {
          out.merge(r.at(), 1, Integer::sum);
        }
      }
      return out;
    }

    List<Received> all() {
      return new ArrayList<>(log);
    }
  }

  /** A query the crawler handed to its socket. */
  record Sent(Contact to, String method, long nanoTime) {
  }

  /** A listener recording the crawler's own send log (and nothing of progress). */
  static final class SendLog implements CrawlListener {
    final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<CrawlProgress> progress = new ConcurrentLinkedQueue<>();

    @Override
    public void onProgress(CrawlProgress p) {
      progress.add(p);
    }

    @Override
    public void onQuerySent(Contact to, QueryArgs query, long nanoTime) {
      sent.add(new Sent(to, query.method(), nanoTime));
    }

    Map<InetSocketAddress, Integer> perDestination() {
      Map<InetSocketAddress, Integer> out = new HashMap<>();
      for (Sent s : sent) {
        out.merge(s.to().address(), 1, Integer::sum);
      }
      return out;
    }
  }

  /** A started loopback node at {@code ip}:{@code port} that bootstraps from {@code entry}. */
  static DhtNode node(ReceiveLog log, int c, int d, int port, InetSocketAddress entry) {
    DhtNode node = DhtNode.builder()
        .network(NetworkMode.LOOPBACK)
        .bind(new InetSocketAddress(Testnet.loopback(127, 0, c, d), port))
        .bootstrap(List.of(entry))
        .build();
    if (log != null) {
      log.watch(node.id());
    }
    return node.start().join();
  }
}
