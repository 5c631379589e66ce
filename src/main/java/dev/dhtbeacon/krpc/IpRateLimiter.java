package dev.dhtbeacon.krpc;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * Per-IP token buckets in a fixed-size hashed table, so memory stays bounded however many
 * addresses send to us. Addresses that hash to the same slot share one bucket: a collision can
 * only make the limit stricter for that rare pair, never looser.
 *
 * <p>Not thread-safe: one instance per node, used on its event loop.
 */
public final class IpRateLimiter {
  private static final long NEVER = Long.MIN_VALUE;

  private final double ratePerNano;
  private final double burst;
  private final double[] tokens;
  private final long[] updated;

  /**
   * @param perSecond sustained datagrams per second per IP
   * @param burst bucket size
   * @param slots table size, a power of two
   * @throws IllegalArgumentException if a value is out of range
   */
  public IpRateLimiter(double perSecond, double burst, int slots) {
    if (!(perSecond > 0) || !(burst >= 1) || slots <= 0 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("rate " + perSecond + ", burst " + burst
          + ", slots " + slots + " (slots must be a power of two)");
    }
    this.ratePerNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = new double[slots];
    this.updated = new long[slots];
    Arrays.fill(updated, NEVER);
  }

  /** Takes one token for {@code ip} at time {@code nowNanos}; false when over the limit. */
  public boolean tryAcquire(InetAddress ip, long nowNanos) {
    int h = ip.hashCode() * 0x9E3779B9;
    int slot = (h ^ (h >>> 16)) & (tokens.length - 1);
    if (updated[slot] == NEVER) {
      tokens[slot] = burst;
    } else {
      tokens[slot] = Math.min(burst, tokens[slot] + (nowNanos - updated[slot]) * ratePerNano);
    }
    updated[slot] = nowNanos;
    if (tokens[slot] >= 1) {
      tokens[slot] -= 1;
      return true;
    }
    return false;
  }
}
