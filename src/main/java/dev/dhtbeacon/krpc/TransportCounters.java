package dev.dhtbeacon.krpc;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a transport sent, received, dropped and refused. Written on the node's event loop, read
 * from anywhere (status lines, metrics).
 */
public final class TransportCounters {
  public final LongAdder queriesSent = new LongAdder();
  public final LongAdder repliesSent = new LongAdder();
  public final LongAdder errorsSent = new LongAdder();
  public final LongAdder bytesSent = new LongAdder();
  public final LongAdder received = new LongAdder();
  public final LongAdder bytesReceived = new LongAdder();
  public final LongAdder queriesReceived = new LongAdder();
  public final LongAdder responsesReceived = new LongAdder();
  public final LongAdder errorsReceived = new LongAdder();
  public final LongAdder malformed = new LongAdder();
  public final LongAdder unknownTransaction = new LongAdder();
  public final LongAdder rateLimited = new LongAdder();
  public final LongAdder egressRefused = new LongAdder();
  public final LongAdder oversizeDropped = new LongAdder();
  public final LongAdder timeouts = new LongAdder();
  public final LongAdder sendFailures = new LongAdder();
  /** The same traffic by direction, type and KRPC method, errors by code (for metrics). */
  public final PacketCounters byMethod = new PacketCounters();

  @Override
  public String toString() {
    return "sent q=" + queriesSent.sum() + " r=" + repliesSent.sum() + " e=" + errorsSent.sum()
        + ", received " + received.sum() + " (malformed " + malformed.sum() + ", unknown tid "
        + unknownTransaction.sum() + ", rate-limited " + rateLimited.sum() + "), timeouts "
        + timeouts.sum() + ", egress refused " + egressRefused.sum();
  }
}
