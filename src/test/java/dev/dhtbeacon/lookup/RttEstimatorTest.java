package dev.dhtbeacon.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Jacobson/Karels smoothing behind lookups' stall time and the sweep's waits. */
class RttEstimatorTest {
  @Test
  void beforeAnySampleTheStallIsItsUpperBound() {
    RttEstimator rtt = new RttEstimator(250, 2_000);
    assertEquals(2_000, rtt.stallMillis());
    assertEquals(-1, rtt.rtoMillis());
  }

  @Test
  void aPriorCountsAsOneSample() {
    RttEstimator rtt = new RttEstimator(1, 10_000, 250);
    assertEquals(250, rtt.smoothedMillis());
    assertEquals(250 + 4 * 125, rtt.rtoMillis(), 1e-9);
    rtt.sample(50);
    // deviation 0.75·125 + 0.25·200 = 143.75; smoothed 0.875·250 + 0.125·50 = 225
    assertEquals(225, rtt.smoothedMillis(), 1e-9);
    assertEquals(225 + 4 * 143.75, rtt.rtoMillis(), 1e-9);
    assertEquals(800, rtt.stallMillis());
  }

  @Test
  void theStallStaysWithinItsBounds() {
    RttEstimator rtt = new RttEstimator(250, 2_000);
    for (int i = 0; i < 50; i++) {
      rtt.sample(1);
    }
    assertEquals(250, rtt.stallMillis());
    for (int i = 0; i < 50; i++) {
      rtt.sample(5_000);
    }
    assertEquals(2_000, rtt.stallMillis());
  }
}
