package dev.dhtbeacon.crawl;

import java.util.ArrayDeque;

/**
 * A sweep's queries awaiting a reply, oldest first, and how many of them are overdue. Overdue
 * means unanswered after TCP's retransmission timeout (RFC 6298's smoothed round trip plus 4
 * deviations, at least the settle time): such a query is most likely to a dead node, and a
 * live node that replies later still counts. Counted as in flight until they timed out,
 * queries to dead nodes filled the allowance (a tenth of the nodes dead, a 2 s timeout) and
 * held uncapped sweeps to a trickle between timeouts; so only queries not yet overdue count
 * against {@code maxInFlight}, and all of them against {@value #OVERDUE_FACTOR} times as many.
 * libtorrent's traversals treat queries past their short timeout the same way.
 *
 * <p>Not thread-safe: the sweep's loop owns it.
 */
final class InFlight {
  /**
   * Queries in flight, overdue ones included, as a multiple of {@code maxInFlight}. Uncapped
   * 15 000-node sweeps: 4 sent up to 1 400 at once, and lost 0.5% of coverage to the load.
   */
  static final int OVERDUE_FACTOR = 2;

  private final int maxInFlight;
  /** Entries in the order they were sent, until they are answered or found overdue. */
  private final ArrayDeque<SweepTable.Entry> sentOrder = new ArrayDeque<>();
  private int count;
  private int overdue;

  InFlight(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  /** Records a query handed to the socket at {@code nowNanos}. */
  void sent(SweepTable.Entry e, long nowNanos) {
    e.sentNanos = nowNanos;
    e.overdue = false;
    sentOrder.addLast(e);
    count++;
  }

  /** Records the end of a query: a reply, an error, a timeout or a failed send. */
  void ended(SweepTable.Entry e) {
    count--;
    if (e.overdue) {
      e.overdue = false;
      overdue--;
    }
  }

  /** Marks the queries still in flight after {@code overdueNanos} as overdue. */
  void markOverdue(long nowNanos, long overdueNanos) {
    for (SweepTable.Entry e; (e = sentOrder.peekFirst()) != null; sentOrder.pollFirst()) {
      if (e.status == SweepTable.Status.IN_FLIGHT && !e.overdue) {
        if (nowNanos - e.sentNanos <= overdueNanos) {
          return;
        }
        e.overdue = true;
        overdue++;
      }
    }
  }

  /** Whether another query may go (call {@link #markOverdue} first). */
  boolean hasRoom() {
    return count - overdue < maxInFlight && count < OVERDUE_FACTOR * maxInFlight;
  }

  /**
   * When the oldest query not yet marked overdue becomes overdue, which may make room, or
   * {@link Long#MAX_VALUE} if there is none.
   */
  long nextOverdueAt(long overdueNanos) {
    SweepTable.Entry oldest = sentOrder.peekFirst();
    return oldest == null ? Long.MAX_VALUE : oldest.sentNanos + overdueNanos + 1;
  }

  /**
   * When the oldest query in flight that has not yet gone unanswered for {@code settleNanos}
   * will have, or {@link Long#MAX_VALUE} if there is none.
   */
  long nextSettledAt(long nowNanos, long settleNanos) {
    for (SweepTable.Entry e : sentOrder) {
      if (e.status == SweepTable.Status.IN_FLIGHT && e.sentNanos + settleNanos > nowNanos) {
        return e.sentNanos + settleNanos + 1;
      }
    }
    return Long.MAX_VALUE;
  }

  int count() {
    return count;
  }

  int overdue() {
    return overdue;
  }
}
