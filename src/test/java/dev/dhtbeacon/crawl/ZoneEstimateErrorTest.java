package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.routing.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The zone estimate's error on synthetic captures: two passes over 8 zones (3-bit prefixes, so
 * the zones are the whole keyspace), each node captured independently with a probability.
 */
class ZoneEstimateErrorTest {
  private final Random random = new Random(11);

  @Test
  void withEvenCatchabilityTheJackknifeAgreesWithTheModel() {
    List<List<Set<NodeId>>> passes = passes(new double[] {0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6,
        0.6}, 250);
    ZoneSizeEstimator.Result r = ZoneSizeEstimator.combine(passes.get(0), passes.get(1), 3);
    assertEquals(2_000, r.estimate().estimate(), 100);
    // Equal zones, equal chances: nothing beyond the model's sampling noise to see.
    assertTrue(r.estimate().standardError() <= 2 * modelOnly(r),
        "reported " + r.estimate().standardError() + " vs model " + modelOnly(r));
  }

  @Test
  void unevenZonesWidenTheErrorBeyondTheEqualCatchabilityModel() {
    // Half the zones are hard to crawl (few routing tables name their nodes): the pooled
    // capture-recapture figure is biased and the zones disagree.
    List<List<Set<NodeId>>> passes = passes(new double[] {0.9, 0.9, 0.9, 0.9, 0.2, 0.2, 0.2,
        0.2}, 250);
    ZoneSizeEstimator.Result r = ZoneSizeEstimator.combine(passes.get(0), passes.get(1), 3);
    assertTrue(r.estimate().standardError() > 1.5 * modelOnly(r),
        "reported " + r.estimate().standardError() + " vs model " + modelOnly(r));
  }

  @Test
  void oneZoneHasNoJackknife() {
    List<List<Set<NodeId>>> passes = passes(new double[] {0.5}, 100);
    assertEquals(0, ZoneSizeEstimator.jackknifeVariance(passes.get(0), passes.get(1), 0));
  }

  /** Chapman's variance alone (the zones are the whole keyspace: no sampling term). */
  private static double modelOnly(ZoneSizeEstimator.Result r) {
    double n1 = r.captured1();
    double n2 = r.captured2();
    double m = r.recaptured();
    return Math.sqrt((n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) * (m + 1) * (m + 2)));
  }

  private List<List<Set<NodeId>>> passes(double[] chance, int perZone) {
    List<Set<NodeId>> first = new ArrayList<>();
    List<Set<NodeId>> second = new ArrayList<>();
    for (double p : chance) {
      Set<NodeId> a = new HashSet<>();
      Set<NodeId> b = new HashSet<>();
      for (int i = 0; i < perZone; i++) {
        NodeId id = NodeId.random(random);
        if (random.nextDouble() < p) {
          a.add(id);
        }
        if (random.nextDouble() < p) {
          b.add(id);
        }
      }
      first.add(a);
      second.add(b);
    }
    return List.of(first, second);
  }
}
