package dev.dhtbeacon.crawl;

/**
 * The round trips of one sweep's replies, smoothed as TCP smooths them (RFC 6298: a mean with
 * gain 1/8 and a mean deviation with gain 1/4), and the waits the sweep derives from them.
 * Loop-confined.
 */
final class RoundTrips {
  private static final double SETTLE_MIN_MILLIS = 50;

  private final long timeoutMillis;
  private double smoothedMillis = 250;
  private double deviationMillis = 125;

  RoundTrips(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  /** Adds the round trip of one reply. */
  void add(long rttNanos) {
    double sample = rttNanos / 1e6;
    deviationMillis += (Math.abs(sample - smoothedMillis) - deviationMillis) / 4;
    smoothedMillis += (sample - smoothedMillis) / 8;
  }

  long smoothedMillis() {
    return Math.round(smoothedMillis);
  }

  /**
   * After how long an unanswered query is overdue (most likely lost or dead, it stops counting
   * against the cap on queries in flight): TCP's retransmission timeout, at least the settle
   * time, at most the query timeout.
   */
  long overdueNanos() {
    double millis = Math.min(timeoutMillis, smoothedMillis + 4 * deviationMillis);
    return Math.max(settleNanos(), (long) (millis * 1e6));
  }

  /** How long an unanswered query holds its segment up: 3 smoothed RTTs, 50 ms to timeout. */
  long settleNanos() {
    double millis = Math.max(SETTLE_MIN_MILLIS, Math.min(timeoutMillis, 3 * smoothedMillis));
    return (long) (millis * 1e6);
  }
}
