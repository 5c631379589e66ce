package dev.dhtbeacon.krpc;

/**
 * A KRPC message (BEP 5): a query, or a reply to one. Decoded messages are plain values;
 * nothing here holds a network buffer.
 */
public sealed interface KrpcMessage permits Query, Reply {
  /** The transaction id the querier chose; a reply echoes it. */
  TransactionId tid();

  /** The sender's client version ({@code v}), or null when absent. */
  String version();
}
