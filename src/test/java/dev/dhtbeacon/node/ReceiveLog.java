package dev.dhtbeacon.node;

import dev.dhtbeacon.krpc.Query;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Logs, at the receiving testnet nodes, every query from a watched sender: the external truth
 * about what a crawler (in this JVM or another process) sent. A sender is watched by its node
 * id or by its source IP, since a child process's node id is not known in advance. Silent
 * (dead) nodes drop queries before any listener, so they never appear here. {@link #close()}
 * detaches the log from the nodes.
 */
public final class ReceiveLog implements AutoCloseable {
  /**
   * A query seen by a testnet node from a watched sender.
   *
   * @param at the receiving node's address
   * @param from the sender's node id
   * @param source the sender's address
   * @param method the query's method name
   * @param nanoTime when it arrived ({@link System#nanoTime()})
   */
  public record Received(InetSocketAddress at, NodeId from, InetSocketAddress source,
      String method, long nanoTime) {
  }

  private final Set<NodeId> watchedIds = ConcurrentHashMap.newKeySet();
  private final Set<InetAddress> watchedIps = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Received> log = new ConcurrentLinkedQueue<>();
  private final Map<DhtNode, BiConsumer<Query, InetSocketAddress>> attached =
      new ConcurrentHashMap<>();

  /** Starts logging at each of {@code nodes}. */
  public void attach(List<DhtNode> nodes) {
    for (DhtNode n : nodes) {
      InetSocketAddress at = n.address();
      BiConsumer<Query, InetSocketAddress> listener = (q, source) -> {
        if (watchedIds.contains(q.sender()) || watchedIps.contains(source.getAddress())) {
          log.add(new Received(at, q.sender(), source, q.method(), System.nanoTime()));
        }
      };
      if (attached.putIfAbsent(n, listener) == null) {
        n.addQueryListener(listener);
      }
    }
  }

  /** Logs queries whose sender claims this node id. */
  public void watch(NodeId id) {
    watchedIds.add(id);
  }

  /** Logs queries sent from this IP address, whatever node id they carry. */
  public void watch(InetAddress sourceIp) {
    watchedIps.add(sourceIp);
  }

  /** Per receiving address, how many queries of {@code method} the given senders sent. */
  public Map<InetSocketAddress, Integer> counts(String method, Set<NodeId> from) {
    return counts(method, r -> from.contains(r.from()));
  }

  /** Per receiving address, how many queries of {@code method} matched {@code which}. */
  public Map<InetSocketAddress, Integer> counts(String method, Predicate<Received> which) {
    Map<InetSocketAddress, Integer> out = new HashMap<>();
    for (Received r : log) {
      if (r.method().equals(method) && which.test(r)) {
        out.merge(r.at(), 1, Integer::sum);
      }
    }
    return out;
  }

  /** Everything logged so far, in arrival order per receiving node. */
  public List<Received> all() {
    return new ArrayList<>(log);
  }

  /** Detaches from every node; what was logged stays readable. */
  @Override
  public void close() {
    attached.forEach(DhtNode::removeQueryListener);
    attached.clear();
  }
}
