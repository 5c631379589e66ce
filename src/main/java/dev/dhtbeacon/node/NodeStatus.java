package dev.dhtbeacon.node;

import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A snapshot of one node.
 *
 * @param external our address as the majority of BEP 42 votes has it, or null
 * @param externalVotes how many voters named {@code external}
 * @param voters distinct voters remembered
 * @param bucketFill live entries per bucket of the socket's family, farthest bucket first
 * @param storedItems BEP 44 items this node stores for others
 */
public record NodeStatus(NodeId id, InetSocketAddress address, InetSocketAddress external,
    int routingV4, int routingV6, int buckets, int infohashes, int pendingQueries,
    double smoothedRttMillis, String counters, int externalVotes, int voters,
    List<Integer> bucketFill, int storedItems) {

  public NodeStatus {
    bucketFill = List.copyOf(bucketFill);
  }

  /** One human-readable line. */
  public String line() {
    return "node " + id.hex().substring(0, 8) + " " + Endpoints.format(address)
        + " table=" + routingV4 + (routingV6 > 0 ? "+" + routingV6 : "") + " buckets=" + buckets
        + " external=" + (external == null ? "?" : Endpoints.format(external))
        + " pending=" + pendingQueries + " " + counters;
  }

  /** Contacts in both routing tables; zero means no node has answered us. */
  public int routingSize() {
    return routingV4 + routingV6;
  }
}
