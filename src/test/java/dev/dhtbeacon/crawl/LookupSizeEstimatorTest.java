package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lookup size estimator on simulated keyspaces (the true k closest of N uniform ids) and on
 * a 1 000-node loopback testnet.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LookupSizeEstimatorTest {
  private static final int K = 8;

  @ParameterizedTest
  @ValueSource(ints = {1_000, 10_000, 1_000_000})
  void twoHundredLookupsLandWithinTenPercent(int n) {
    Random random = new Random(n);
    long[] ids = randomIds(n, random);
    List<Double> perLookup = new ArrayList<>();
    for (int t = 0; t < 200; t++) {
      perLookup.add(LookupSizeEstimator.fromDistances(closest(ids, random.nextLong(), K)));
    }
    SizeEstimate e = LookupSizeEstimator.combine(perLookup);
    System.out.printf("N=%d: estimate %.0f ± %.0f (%+.1f%%, %.1f SE)%n", n, e.estimate(),
        e.standardError(), 100 * (e.estimate() / n - 1), (e.estimate() - n) / e.standardError());
    assertEquals(n, e.estimate(), 0.1 * n);
    assertEquals(n, e.estimate(), 3 * e.standardError(), "truth outside 3 standard errors");
    // Theory: N / sqrt(k - 2) / sqrt(200), 2.9% of N.
    double relativeSe = e.standardError() / n;
    assertTrue(relativeSe > 0.02 && relativeSe < 0.04, "relative SE " + relativeSe);
  }

  /**
   * Bias and spread over many lookups, against the theory in the class comment: unbiased with
   * relative stddev 1/sqrt(k - 2) = 0.408, where the least-squares slope runs about 15% high.
   */
  @Test
  void kthDistanceIsUnbiasedWhereLeastSquaresIsNot() {
    int n = 10_000;
    int lookups = 20_000;
    Random random = new Random(11);
    long[] ids = randomIds(n, random);
    double[] kth = new double[lookups];
    double[] lsq = new double[lookups];
    for (int t = 0; t < lookups; t++) {
      List<Double> fractions = closest(ids, random.nextLong(), K);
      kth[t] = LookupSizeEstimator.fromDistances(fractions) / n - 1;
      lsq[t] = LookupSizeEstimator.leastSquares(fractions) / n - 1;
    }
    System.out.printf("N=%d, %d lookups, k=%d: kth-distance bias %+.2f%% sd %.3f;"
        + " least squares bias %+.2f%% sd %.3f%n", n, lookups, K, 100 * mean(kth), sd(kth),
        100 * mean(lsq), sd(lsq));
    // SE of the mean bias is 0.408 / sqrt(20 000) = 0.3%.
    assertEquals(0, mean(kth), 0.012);
    assertEquals(1 / Math.sqrt(K - 2), sd(kth), 0.03);
    assertTrue(mean(lsq) > 0.10, "least squares bias " + mean(lsq));
  }

  @Test
  void fractionReadsTheTopBitsOfTheXorDistanceAsUnsigned() {
    NodeId zero = NodeId.zero();
    assertEquals(0.5, LookupSizeEstimator.fraction(zero, zero.withBit(0, true)));
    assertEquals(0.25, LookupSizeEstimator.fraction(zero.withBit(0, true),
        zero.withBit(0, true).withBit(1, true)));
    assertEquals(0.75, LookupSizeEstimator.fraction(zero,
        zero.withBit(0, true).withBit(1, true).withBit(100, true)), 1e-15);
    assertEquals(1.0, LookupSizeEstimator.unsignedFraction(-1L), 1e-15);
    assertEquals(0x1p-64, LookupSizeEstimator.unsignedFraction(1L));
  }

  @Test
  void evenlySpacedDistancesGiveTheirCount() {
    // d_i = i / (N + 1) exactly: (k - 1) / d_k = 7 * 1001 / 8.
    List<Double> even = new ArrayList<>();
    for (int i = 1; i <= K; i++) {
      even.add(i / 1001.0);
    }
    assertEquals(7 * 1001 / 8.0, LookupSizeEstimator.fromDistances(even), 1e-9);
    assertEquals(1000, LookupSizeEstimator.leastSquares(even), 1e-9);
  }

  @Test
  void preconditionsNameTheValue() {
    assertThrows(IllegalArgumentException.class,
        () -> LookupSizeEstimator.fromDistances(List.of(0.1)));
    assertThrows(IllegalArgumentException.class,
        () -> LookupSizeEstimator.fromDistances(List.of(0.1, 1.5)));
    assertThrows(IllegalArgumentException.class,
        () -> LookupSizeEstimator.fromDistances(List.of(0.0, 0.0)));
    assertThrows(IllegalArgumentException.class, () -> LookupSizeEstimator.combine(List.of()));
    assertTrue(Double.isNaN(LookupSizeEstimator.combine(List.of(5.0)).standardError()));
    SizeEstimate two = LookupSizeEstimator.combine(List.of(1.0, 3.0));
    assertEquals(2, two.estimate());
    assertEquals(1, two.standardError(), 1e-12);
  }

  @Test
  void estimatesAThousandNodeTestnetWithinTenPercent() {
    long start = System.nanoTime();
    try (Testnet net = Testnet.start(Testnet.Options.of(1000)
        .withBase(Testnet.loopback(127, 0, 140, 1), 29000))) {
      long started = System.nanoTime();
      DhtNode node = net.nodes().get(17);
      SizeEstimate e = LookupSizeEstimator.estimate(node, 100, new Random(3))
          .get(30, TimeUnit.SECONDS);
      System.out.printf("testnet of 1000: estimate %.0f ± %.0f (%+.1f%%); start %d ms,"
          + " 100 lookups %d ms%n", e.estimate(), e.standardError(),
          100 * (e.estimate() / 1000 - 1), (started - start) / 1_000_000,
          (System.nanoTime() - started) / 1_000_000);
      assertEquals(LookupSizeEstimator.METHOD, e.method());
      assertEquals(1000, e.estimate(), 100);
      assertEquals(1000, e.estimate(), 3 * e.standardError(), "truth outside 3 SE");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static long[] randomIds(int n, Random random) {
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = random.nextLong();
    }
    return ids;
  }

  /** The true k closest of {@code ids} to {@code target} (top 64 bits), as fractions. */
  private static List<Double> closest(long[] ids, long target, int k) {
    long[] best = new long[k];
    java.util.Arrays.fill(best, -1L);
    for (long id : ids) {
      long d = id ^ target;
      if (Long.compareUnsigned(d, best[k - 1]) < 0) {
        int i = k - 1;
        while (i > 0 && Long.compareUnsigned(d, best[i - 1]) < 0) {
          best[i] = best[i - 1];
          i--;
        }
        best[i] = d;
      }
    }
    List<Double> out = new ArrayList<>(k);
    for (long d : best) {
      out.add(LookupSizeEstimator.unsignedFraction(d));
    }
    return out;
  }

  private static double mean(double[] xs) {
    double s = 0;
    for (double x : xs) {
      s += x;
    }
    return s / xs.length;
  }

  private static double sd(double[] xs) {
    double m = mean(xs);
    double s = 0;
    for (double x : xs) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (xs.length - 1));
  }
}
