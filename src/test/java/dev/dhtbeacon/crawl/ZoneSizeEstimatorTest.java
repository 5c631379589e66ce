package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ZoneSizeEstimatorTest {
  @Test
  void zonesHoldAboutTwoHundredNodesEach() {
    assertEquals(4, ZoneSizeEstimator.prefixBits(2_500));
    assertEquals(16, ZoneSizeEstimator.prefixBits(10_000_000));
    assertEquals(0, ZoneSizeEstimator.prefixBits(50));
  }

  @Test
  void aLargeNetworkIsSampledInZonesHoldingAboutTwoThousandNodes() {
    // 10 million nodes in 65 536 zones: 152.6 per zone, so 13 zones hold ~2 000.
    assertEquals(13, ZoneSizeEstimator.zoneCount(10_000_000, 16));
    // 4 500 nodes in 16 zones: 7 zones hold ~2 000, under half the keyspace.
    assertEquals(7, ZoneSizeEstimator.zoneCount(4_500, 4));
  }

  @Test
  void fromThreeQuartersOfTheKeyspaceTheWholeOfItIsCounted() {
    // 2 500 nodes would want 13 of 16 zones; the other 3 cost little and end the sampling error.
    assertEquals(16, ZoneSizeEstimator.zoneCount(2_500, 4));
    assertEquals(16, ZoneSizeEstimator.zoneCount(2_700, 4), "12 of 16");
    assertEquals(11, ZoneSizeEstimator.zoneCount(2_900, 4));
    assertEquals(8, ZoneSizeEstimator.zoneCount(4_000, 4), "half is sampled");
    assertEquals(1, ZoneSizeEstimator.zoneCount(50, 0));
  }
}
