package dev.dhtbeacon.krpc;

/**
 * A datagram that is not a valid KRPC message. Carries what could be read, so a malformed
 * query can still be answered with error 203 instead of silence.
 */
public final class MalformedMessageException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient TransactionId tid;
  private final boolean query;

  public MalformedMessageException(String reason, TransactionId tid, boolean query) {
    super(reason, null, false, false);
    this.tid = tid;
    this.query = query;
  }

  /** The transaction id, or null if even that was unreadable. */
  public TransactionId tid() {
    return tid;
  }

  /** Whether the message claimed to be a query ({@code y = q}). */
  public boolean query() {
    return query;
  }
}
