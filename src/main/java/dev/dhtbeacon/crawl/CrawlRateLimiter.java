package dev.dhtbeacon.crawl;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Politeness for outgoing crawl queries: a global token bucket ({@code rate} queries per second,
 * {@code burst} at once) and one bucket per destination IP ({@code perIpRate} per second,
 * {@code perIpBurst} at once). Over any window of T seconds the crawler then sends at most
 * {@code burst + rate·T} queries in all and {@code perIpBurst + perIpRate·T} to one IP.
 *
 * <p>Per-IP buckets that have refilled are forgotten (a full bucket is the same as no bucket), so
 * memory follows the IPs queried in the last few seconds, not all IPs ever seen. Time comes from
 * an injected {@code nanoTime}. Not thread-safe: used on one event loop.
 */
public final class CrawlRateLimiter {
  private final double ratePerNano;
  private final double burst;
  private final double ipRatePerNano;
  private final double ipBurst;
  private final LongSupplier nanoTime;
  private final Map<InetAddress, IpBucket> perIp = new HashMap<>();
  private double tokens;
  private long updated;
  private long lastSweep;

  /**
   * @throws IllegalArgumentException if a rate is not positive or a burst is below 1
   */
  public CrawlRateLimiter(double rate, double burst, double perIpRate, double perIpBurst,
      LongSupplier nanoTime) {
    if (!(rate > 0) || !(burst >= 1) || !(perIpRate > 0) || !(perIpBurst >= 1)) {
      throw new IllegalArgumentException("rate " + rate + " burst " + burst + " per-IP rate "
          + perIpRate + " per-IP burst " + perIpBurst + ": rates must be > 0, bursts >= 1");
    }
    this.ratePerNano = rate / 1e9;
    this.burst = burst;
    this.ipRatePerNano = perIpRate / 1e9;
    this.ipBurst = perIpBurst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.updated = nanoTime.getAsLong();
    this.lastSweep = updated;
  }

  /** The small burst that goes with a rate: 2% of a second's worth, at least 1. */
  public static double burstFor(double rate) {
    return Math.max(1, Math.floor(rate / 50));
  }

  /**
   * Takes a token for {@code ip} if both buckets have one.
   *
   * @return 0 if the query may go now (tokens taken), else how many nanoseconds until it could
   */
  public long tryAcquire(InetAddress ip) {
    long now = nanoTime.getAsLong();
    refill(now);
    IpBucket bucket = ipBucket(ip, now);
    if (tokens >= 1 && bucket.tokens >= 1) {
      tokens -= 1;
      bucket.tokens -= 1;
      perIp.put(ip, bucket);
      return 0;
    }
    double missing = Math.max(tokens >= 1 ? 0 : (1 - tokens) / ratePerNano,
        bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) / ipRatePerNano);
    return Math.max(1, (long) Math.ceil(missing));
  }

  /** Nanoseconds until {@code ip}'s own bucket has a token (0 if now), taking nothing. */
  public long ipWait(InetAddress ip) {
    long now = nanoTime.getAsLong();
    IpBucket bucket = ipBucket(ip, now);
    return bucket.tokens >= 1 ? 0 : (long) Math.ceil((1 - bucket.tokens) / ipRatePerNano);
  }

  /** Nanoseconds until the global bucket has a token (0 if now), taking nothing. */
  public long globalWait() {
    refill(nanoTime.getAsLong());
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / ratePerNano);
  }

  /** How many per-IP buckets are held (for tests of the memory bound). */
  int trackedIps() {
    return perIp.size();
  }

  private void refill(long now) {
    tokens = Math.min(burst, tokens + (now - updated) * ratePerNano);
    updated = now;
    if (now - lastSweep > 1_000_000_000L) {
      forgetFullBuckets(now);
      lastSweep = now;
    }
  }

  private IpBucket ipBucket(InetAddress ip, long now) {
    IpBucket b = perIp.get(ip);
    if (b == null) {
      return new IpBucket(ipBurst, now);
    }
    b.tokens = Math.min(ipBurst, b.tokens + (now - b.updated) * ipRatePerNano);
    b.updated = now;
    return b;
  }

  private void forgetFullBuckets(long now) {
    for (Iterator<IpBucket> it = perIp.values().iterator(); it.hasNext(); ) {
      IpBucket b = it.next();
      if (b.tokens + (now - b.updated) * ipRatePerNano >= ipBurst) {
        it.remove();
      }
    }
  }

  private static final class IpBucket {
    double tokens;
    long updated;

    IpBucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }
}
