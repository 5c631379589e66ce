package dev.dhtbeacon.crawl;

import dev.dhtbeacon.lookup.RttEstimator;

/**
 * The round trips of one sweep's replies, smoothed as TCP smooths them ({@link RttEstimator},
 * from a prior of 250 ms), and the waits the sweep derives from them. Loop-confined.
 */
final class RoundTrips {
  private static final double SETTLE_MIN_MILLIS = 50;
  private static final double PRIOR_MILLIS = 250;

  private final long timeoutMillis;
  /** Its stall bounds go unused: the sweep derives its own waits below. */
  private final RttEstimator rtt;

  RoundTrips(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
    this.rtt = new RttEstimator(1, Math.max(1, timeoutMillis), PRIOR_MILLIS);
  }

  /** Adds the round trip of one reply. */
  void add(long rttNanos) {
    rtt.sample(rttNanos / 1e6);
  }

  long smoothedMillis() {
    return Math.round(rtt.smoothedMillis());
  }

  /**
   * After how long an unanswered query is overdue (most likely lost or dead, it stops counting
   * against the cap on queries in flight): TCP's retransmission timeout, at least the settle
   * time, at most the query timeout.
   */
  long overdueNanos() {
    double millis = Math.min(timeoutMillis, rtt.rtoMillis());
    return Math.max(settleNanos(), (long) (millis * 1e6));
  }

  /** How long an unanswered query holds its segment up: 3 smoothed RTTs, 50 ms to timeout. */
  long settleNanos() {
    double millis = Math.max(SETTLE_MIN_MILLIS, Math.min(timeoutMillis,
        3 * rtt.smoothedMillis()));
    return (long) (millis * 1e6);
  }
}
