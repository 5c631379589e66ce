package dev.dhtbeacon.lookup;

/**
 * Smoothed round-trip time and its variation (Jacobson/Karels, as TCP's RTO), from which
 * lookups derive the time after which an unanswered query counts as stalled. A dead contact
 * then costs a lookup a few RTTs rather than a fixed multi-second timeout.
 *
 * <p>Not thread-safe: one per node, used on its event loop.
 */
public final class RttEstimator {
  private final long minStallMillis;
  private final long maxStallMillis;
  private double srtt = -1;
  private double rttvar;

  /**
   * @param minStallMillis lower bound of the stall time, so a burst of fast replies cannot make
   *     every slightly slower node look dead
   * @param maxStallMillis upper bound, used too before any sample arrived
   */
  public RttEstimator(long minStallMillis, long maxStallMillis) {
    if (minStallMillis <= 0 || maxStallMillis < minStallMillis) {
      throw new IllegalArgumentException("stall bounds " + minStallMillis + ".." + maxStallMillis);
    }
    this.minStallMillis = minStallMillis;
    this.maxStallMillis = maxStallMillis;
  }

  /**
   * Starts from a prior round trip, as if it had been measured once (deviation half of it),
   * instead of waiting for a first sample.
   */
  public RttEstimator(long minStallMillis, long maxStallMillis, double priorMillis) {
    this(minStallMillis, maxStallMillis);
    sample(priorMillis);
  }

  /** Adds one measured round trip. */
  public void sample(double rttMillis) {
    if (srtt < 0) {
      srtt = rttMillis;
      rttvar = rttMillis / 2;
    } else {
      rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - rttMillis);
      srtt = 0.875 * srtt + 0.125 * rttMillis;
    }
  }

  /** How long to wait for a reply before querying someone else as well. */
  public long stallMillis() {
    if (srtt < 0) {
      return maxStallMillis;
    }
    long rto = (long) Math.ceil(rtoMillis());
    return Math.max(minStallMillis, Math.min(maxStallMillis, rto));
  }

  /** TCP's retransmission timeout: smoothed RTT + 4 deviations, unbounded; -1 before a sample. */
  public double rtoMillis() {
    return srtt < 0 ? -1 : srtt + 4 * rttvar;
  }

  /** Smoothed RTT in milliseconds, or -1 before the first sample. */
  public double smoothedMillis() {
    return srtt;
  }
}
