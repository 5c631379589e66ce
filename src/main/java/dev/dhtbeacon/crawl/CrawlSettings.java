package dev.dhtbeacon.crawl;

import dev.dhtbeacon.routing.Contact;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How a crawl runs. Build from {@link #defaults()} and the {@code with…} methods.
 *
 * @param rate queries per second in all ({@code --rate}); the burst is 2% of it, at least 1
 * @param perIpRate queries per second to one IP address
 * @param perIpBurst queries one IP may get at once
 * @param duration how long one crawl may take, estimates included; null for no limit
 *     (continuous mode)
 * @param database the MapDB file ({@code --db}), or null to keep everything in memory
 * @param queryTimeout how long to wait for each reply
 * @param maxInFlight queries awaiting a reply at once, those overdue (most likely to dead
 *     nodes) aside; with them, twice as many
 * @param maxTableEntries nodes the sweep holds in memory before it drops those far behind
 * @param estimates whether a crawl ends with the zone and lookup size estimates
 * @param bootOut where continuous mode keeps a {@code .boot} of the healthiest nodes, or null
 * @param seeds contacts each sweep starts from besides the node's routing table
 * @param clock wall time (first/last seen, intervals)
 * @param nanoTime monotonic time (rate limits, RTT, deadlines)
 */
public record CrawlSettings(double rate, double perIpRate, double perIpBurst, Duration duration,
    Path database, Duration queryTimeout, int maxInFlight, int maxTableEntries,
    boolean estimates, Path bootOut, List<Contact> seeds, Clock clock, LongSupplier nanoTime) {

  public static final double DEFAULT_RATE = 500;

  /**
   * @throws IllegalArgumentException if a rate is not positive, a burst below 1, a duration
   *     negative, or a size too small
   */
  public CrawlSettings {
    Objects.requireNonNull(queryTimeout, "queryTimeout");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(nanoTime, "nanoTime");
    seeds = List.copyOf(seeds);
    if (!(rate > 0) || !(perIpRate > 0) || !(perIpBurst >= 1)) {
      throw new IllegalArgumentException("rate " + rate + ", per-IP rate " + perIpRate
          + ", per-IP burst " + perIpBurst + ": rates must be > 0 and bursts >= 1");
    }
    if (duration != null && duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative: " + duration);
    }
    if (queryTimeout.toMillis() < 1 || maxInFlight < 1 || maxTableEntries < 1_000) {
      throw new IllegalArgumentException("query timeout " + queryTimeout + ", max in flight "
          + maxInFlight + ", max table entries " + maxTableEntries + " (at least 1000)");
    }
  }

  /**
   * 500 queries/s, 1 query/s per IP with a burst of 2, 60 s, in memory, 2 s timeouts, 512 in
   * flight, 200 000 nodes in memory, estimates on.
   */
  public static CrawlSettings defaults() {
    return new CrawlSettings(DEFAULT_RATE, 1, 2, Duration.ofSeconds(60), null,
        Duration.ofSeconds(2), 512, 200_000, true, null, List.of(), Clock.systemUTC(),
        System::nanoTime);
  }

  /** The global burst that goes with {@link #rate}. */
  public double burst() {
    return CrawlRateLimiter.burstFor(rate);
  }

  /** Nodes admitted ahead of sending: a tenth of a second's worth, 16 to 256. */
  int lookahead() {
    return (int) Math.max(16, Math.min(256, rate / 10));
  }

  public CrawlSettings withRate(double rate) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }

  public CrawlSettings withPerIp(double perIpRate, double perIpBurst) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }

  public CrawlSettings withDuration(Duration duration) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }

  public CrawlSettings withDatabase(Path database) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }

  public CrawlSettings withQueryTimeout(Duration queryTimeout) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }

  public CrawlSettings withMaxInFlight(int maxInFlight) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }

  public CrawlSettings withMaxTableEntries(int maxTableEntries) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }

  public CrawlSettings withEstimates(boolean estimates) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }

  public CrawlSettings withBootOut(Path bootOut) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }

  public CrawlSettings withSeeds(List<Contact> seeds) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }

  /** Injects time, for tests. */
  public CrawlSettings withTime(Clock clock, LongSupplier nanoTime) {
    return new CrawlSettings(rate, perIpRate, perIpBurst, duration, database, queryTimeout,
        maxInFlight, maxTableEntries, estimates, bootOut, seeds, clock, nanoTime);
  }
}
