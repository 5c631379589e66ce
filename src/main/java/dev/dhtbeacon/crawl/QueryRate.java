package dev.dhtbeacon.crawl;

/**
 * Queries per second for the progress line, from snapshots of the sweep's send counter. The
 * sweep publishes a snapshot about once a second on its loop and the progress ticker reads one
 * about once a second on another thread, so a tick can see the same snapshot twice, or two
 * snapshots' worth at once. The rate is therefore taken between the times the snapshots were
 * made, not between ticks, and a tick that finds no new snapshot repeats the last rate
 * (between ticks, it showed 0 q/s and then twice the rate). Not thread-safe.
 */
final class QueryRate {
  private long lastSent;
  private long lastAtNanos;
  private double rate;

  /** @param startNanos when the sweep started (its sent counter was 0) */
  QueryRate(long startNanos) {
    this.lastAtNanos = startNanos;
  }

  /**
   * The rate up to the snapshot that counted {@code sent} queries at {@code atNanos}
   * ({@link Long#MIN_VALUE}: no snapshot yet).
   *
   * @return queries per second
   */
  double update(long sent, long atNanos) {
    if (atNanos != Long.MIN_VALUE && atNanos - lastAtNanos > 0) {
      rate = (sent - lastSent) / ((atNanos - lastAtNanos) / 1e9);
      lastSent = sent;
      lastAtNanos = atNanos;
    }
    return rate;
  }
}
