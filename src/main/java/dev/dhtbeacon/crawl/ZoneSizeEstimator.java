package dev.dhtbeacon.crawl;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.routing.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Estimates how many live nodes the DHT holds by counting them in a few prefix zones and
 * correcting the count for the nodes a crawl misses, with capture–recapture.
 *
 * <h2>Zones</h2>
 * Node ids are uniform, so the live nodes in {@code z} of the 2<sup>n</sup> zones of n-bit
 * prefix are a binomial sample of all of them with fraction f = z/2<sup>n</sup>. From a rough
 * size guess, n is chosen so a zone holds about {@value #NODES_PER_ZONE} nodes, and z so the
 * zones together hold about {@value #NODES_IN_ZONES}, or the whole keyspace once that would be
 * three quarters of it or more (a small network); the zones are distinct random prefixes.
 *
 * <h2>Two passes, Chapman's estimator</h2>
 * Each zone is crawled twice by {@link ZonePass}es, started at independent random points and
 * each asking a node only with probability {@code selection} (the limited effort that leaves
 * every pass incomplete). A node is captured in a pass when it answers, from the id it was
 * listed under. Because the coins of the two passes are independent, so are the captures,
 * which is what capture–recapture needs: with n₁ and n₂ nodes captured and m captured by both,
 * Chapman's nearly unbiased form of the Lincoln–Petersen estimator gives the live nodes in the
 * zones as N̂<sub>z</sub> = (n₁+1)(n₂+1)/(m+1) − 1, with variance
 * (n₁+1)(n₂+1)(n₁−m)(n₂−m) / ((m+1)²(m+2)). The whole DHT is then N̂ = N̂<sub>z</sub>/f, and its
 * variance adds the binomial spread of the zone sample: Var = Var(N̂<sub>z</sub>)/f² +
 * N̂(1−f)/f. That model assumes every node is equally easy to capture; the reported error is
 * the larger of it and a delete-a-group jackknife over the zones, which also sees what the
 * model does not (nodes harder to find than others, uneven density). There is no other
 * correction.
 *
 * <h2>What it cannot see</h2>
 * Nodes that no pass can ever capture (unreachable, never listed by anyone) are invisible to
 * both passes alike; capture–recapture assumes every node has the same chance in a pass, so
 * such nodes, and in general nodes that are harder to find than others, pull the estimate low.
 * Silent (dead) nodes are never captured: it counts nodes that answer. The crawling node itself
 * is not counted. The uncorrected figures in {@link Result} (one pass, or both united, scaled by
 * 1/f) show how much the correction adds.
 */
public final class ZoneSizeEstimator {
  /** The {@link SizeEstimate#method()} of estimates made here. */
  public static final String METHOD = "zone-capture-recapture";
  static final int NODES_PER_ZONE = 200;
  static final int NODES_IN_ZONES = 2_000;
  static final int JACKKNIFE_GROUPS = 10;
  /**
   * Chance that a pass asks a node it heard of. Lower leaves more for the correction to do and
   * hides more nodes from discovery, since the nodes left unasked are the only ones that would
   * have named some others: nodes that few tables name then become harder to capture in both
   * passes, which capture–recapture cannot correct. On the 2 000-node testnet 0.6 gave a spread
   * of 2.4% around a complete count of the same zones and 0.8 gave 0.8% (BENCHMARKS.md), for a
   * third more queries.
   */
  static final double SELECTION = 0.8;

  /**
   * What the passes found.
   *
   * @param estimate live nodes in the DHT, with its standard error
   * @param prefixBits n, the zone prefix length
   * @param zones how many zones were crawled
   * @param captured1 n₁, nodes captured by the first pass over all zones
   * @param captured2 n₂, nodes captured by the second
   * @param recaptured m, nodes captured by both
   * @param uncorrected n₁/f: one pass scaled up, no correction
   * @param union (n₁ + n₂ − m)/f: both passes united, scaled up, no correction
   */
  public record Result(SizeEstimate estimate, int prefixBits, int zones, int captured1,
      int captured2, int recaptured, double uncorrected, double union) {
  }

  private ZoneSizeEstimator() {
  }

  /**
   * Chooses the zones from {@code roughSize} and runs both passes over all of them at once.
   *
   * @param roughSize a guess of the DHT's size (within a factor of two or so is plenty)
   * @param deadlineNanos when passes stop, on {@code settings.nanoTime()}'s scale
   * @throws IllegalArgumentException if {@code roughSize} is not positive
   */
  public static CompletableFuture<Result> estimate(DhtNode node, double roughSize,
      CrawlRateLimiter limiter, CrawlSettings settings, long deadlineNanos, Random random) {
    return estimate(node, roughSize, SELECTION, limiter, settings, deadlineNanos, random);
  }

  static CompletableFuture<Result> estimate(DhtNode node, double roughSize, double selection,
      CrawlRateLimiter limiter, CrawlSettings settings, long deadlineNanos, Random random) {
    if (!(roughSize > 0) || !(selection > 0) || selection > 1) {
      throw new IllegalArgumentException("rough size " + roughSize + " must be > 0, selection "
          + selection + " in (0, 1]");
    }
    int bits = prefixBits(roughSize);
    int zones = zoneCount(roughSize, bits);
    double spacing = Arc.KEYSPACE.doubleValue() / roughSize;
    Set<Long> prefixes = new LinkedHashSet<>();
    while (prefixes.size() < zones) {
      prefixes.add(bits == 0 ? 0 : random.nextLong() >>> (64 - bits));
    }
    SweepRun.Limits limits = new SweepRun.Limits(settings.maxInFlight(), settings.lookahead(),
        settings.queryTimeout().toMillis(), deadlineNanos);
    List<CompletableFuture<Set<NodeId>>> first = new ArrayList<>();
    List<CompletableFuture<Set<NodeId>>> second = new ArrayList<>();
    for (long prefix : prefixes) {
      first.add(ZonePass.run(node, randomIn(prefix, bits, random), bits, spacing, selection,
          limiter, limits, settings, random));
      second.add(ZonePass.run(node, randomIn(prefix, bits, random), bits, spacing, selection,
          limiter, limits, settings, random));
    }
    List<CompletableFuture<Set<NodeId>>> all = new ArrayList<>(first);
    all.addAll(second);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> combine(joined(first), joined(second), bits));
  }

  /**
   * How many of the 2<sup>n</sup> zones to crawl: enough to hold about {@value #NODES_IN_ZONES}
   * nodes, or all of them once that is three quarters of the keyspace or more. Crawling the rest
   * then costs at most a third more and removes the zone sample's own error, which on a
   * 2 000-node testnet was a fixed −2.7% for one choice of 13 zones of 16 (BENCHMARKS.md).
   */
  static int zoneCount(double roughSize, int bits) {
    long all = 1L << bits;
    long wanted = Math.max(1, Math.round(NODES_IN_ZONES / (roughSize / all)));
    return (int) (4 * wanted >= 3 * all ? all : wanted);
  }

  /** n such that a zone of n-bit prefix holds about {@value #NODES_PER_ZONE} nodes. */
  static int prefixBits(double roughSize) {
    return (int) Math.max(0, Math.min(40,
        Math.round(Math.log(roughSize / NODES_PER_ZONE) / Math.log(2))));
  }

  /**
   * Chapman's estimator over the zones, scaled to the keyspace, with the larger of the model's
   * error and a jackknife's (see the class comment); {@code first.get(i)} and
   * {@code second.get(i)} are the two passes' captures in zone i.
   */
  static Result combine(List<Set<NodeId>> first, List<Set<NodeId>> second, int bits) {
    int zones = first.size();
    Set<NodeId> one = union(first, -1, 1);
    Set<NodeId> two = union(second, -1, 1);
    Set<NodeId> both = new HashSet<>(one);
    both.retainAll(two);
    double n1 = one.size();
    double n2 = two.size();
    double m = both.size();
    double variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) * (m + 1) * (m + 2));
    double f = zones / Math.pow(2, bits);
    double estimate = chapman(n1, n2, m) / f;
    double model = variance / (f * f) + estimate * (1 - f) / f;
    double error = Math.sqrt(Math.max(model, jackknifeVariance(first, second, bits)));
    return new Result(new SizeEstimate(estimate, error, METHOD), bits, zones, (int) n1,
        (int) n2, (int) m, n1 / f, (n1 + n2 - m) / f);
  }

  private static double chapman(double n1, double n2, double m) {
    return (n1 + 1) * (n2 + 1) / (m + 1) - 1;
  }

  /**
   * Delete-a-group jackknife over {@value #JACKKNIFE_GROUPS} groups of zones (0 with fewer
   * zones). The model's variance assumes every node is as easy to capture as any other; where
   * some are harder (fewer routing tables name them) it understates the spread between runs
   * (measured: 2% stated, 4.7% observed on a 2 000-node testnet; BENCHMARKS.md). Zone-to-zone
   * differences carry that heterogeneity, and the node density's own spread.
   */
  static double jackknifeVariance(List<Set<NodeId>> first, List<Set<NodeId>> second, int bits) {
    int zones = first.size();
    int groups = Math.min(JACKKNIFE_GROUPS, zones);
    if (groups < 2) {
      return 0;
    }
    double[] without = new double[groups];
    double mean = 0;
    for (int g = 0; g < groups; g++) {
      Set<NodeId> one = union(first, g, groups);
      Set<NodeId> two = union(second, g, groups);
      Set<NodeId> both = new HashSet<>(one);
      both.retainAll(two);
      long kept = zones - (zones - g + groups - 1) / groups;
      without[g] = chapman(one.size(), two.size(), both.size()) / (kept / Math.pow(2, bits));
      mean += without[g] / groups;
    }
    double sum = 0;
    for (double w : without) {
      sum += (w - mean) * (w - mean);
    }
    return (groups - 1.0) / groups * sum;
  }

  /** The union of the zones' captures, leaving out group {@code skip} of {@code groups}. */
  private static Set<NodeId> union(List<Set<NodeId>> zones, int skip, int groups) {
    Set<NodeId> out = new HashSet<>();
    for (int i = 0; i < zones.size(); i++) {
      if (i % groups != skip) {
        out.addAll(zones.get(i));
      }
    }
    return out;
  }

  private static List<Set<NodeId>> joined(List<CompletableFuture<Set<NodeId>>> passes) {
    List<Set<NodeId>> out = new ArrayList<>(passes.size());
    for (CompletableFuture<Set<NodeId>> p : passes) {
      out.add(p.join());
    }
    return out;
  }

  /** A random id whose first {@code bits} bits are {@code prefix}. */
  static NodeId randomIn(long prefix, int bits, Random random) {
    Int192 low = Int192.random(NodeId.BITS - bits, random);
    return Arc.id(Int192.valueOf(prefix).shiftLeft(NodeId.BITS - bits).or(low));
  }
}
