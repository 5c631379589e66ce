package dev.dhtbeacon.crawl;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.ReceiveLog;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Crawler nodes and the crawler-side send log for crawl tests on loopback testnets (the
 * receiving side's log is {@link ReceiveLog}).
 */
final class CrawlTestSupport {
  private CrawlTestSupport() {
  }

  /** A query the crawler handed to its socket; {@code target} null unless it has one. */
  record Sent(Contact to, String method, NodeId target, long nanoTime) {
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
      NodeId target = query instanceof QueryArgs.SampleInfohashes q ? q.target()
          : query instanceof QueryArgs.FindNode q ? q.target() : null;
      sent.add(new Sent(to, query.method(), target, nanoTime));
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
