package dev.dhtbeacon.krpc;

import dev.dhtbeacon.routing.NodeId;

/**
 * A KRPC query ({@code y = q}).
 *
 * @param readOnly BEP 43 {@code ro = 1}: the sender cannot answer queries, so nobody should add
 *     it to a routing table
 */
public record Query(TransactionId tid, NodeId sender, boolean readOnly, String version,
    QueryArgs args) implements KrpcMessage {

  /** The method name on the wire ({@code q}). */
  public String method() {
    return args.method();
  }
}
