package dev.dhtbeacon.node;

import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;

/**
 * A snapshot of one node.
 *
 * @param external our address as the majority of BEP 42 votes has it, or null
 */
public record NodeStatus(NodeId id, InetSocketAddress address, InetSocketAddress external,
    int routingV4, int routingV6, int buckets, int infohashes, int pendingQueries,
    double smoothedRttMillis, String counters) {

  /** One human-readable line. */
  public String line() {
    return "node " + id.hex().substring(0, 8) + " " + Endpoints.format(address)
        + " table=" + routingV4 + (routingV6 > 0 ? "+" + routingV6 : "") + " buckets=" + buckets
        + " external=" + (external == null ? "?" : Endpoints.format(external))
        + " pending=" + pendingQueries + " " + counters;
  }
}
