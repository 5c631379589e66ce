package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.store.EstimateSample;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which progress reports and summaries become history samples. */
class EstimateHistoryTest {
  private final List<EstimateSample> samples = new ArrayList<>();
  private long now = 1_000_000;
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now);
    }
  };
  private final EstimateHistory history = new EstimateHistory(samples::add, clock);

  private static CrawlProgress progress(long found, double estimate) {
    return new CrawlProgress(found, found / 2, found, 100, 0, 10, estimate, 1);
  }

  @Test
  void progressIsSampledEveryTenSeconds() {
    for (int second = 0; second < 25; second++) {
      history.progress(progress(second, second * 10.0));
      now += 1_000;
    }
    assertEquals(List.of(0L, 10L, 20L),
        samples.stream().map(EstimateSample::nodesFound).toList());
    assertEquals(100.0, samples.get(1).density());
    assertTrue(Double.isNaN(samples.get(1).zone()), "no zone estimate during a sweep");
  }

  @Test
  void theEndOfASweepIsAlwaysASampleWithItsEstimates() {
    history.progress(progress(5, Double.NaN));
    now += 500;
    CrawlSummary s = new CrawlSummary(300, 250, 320, 7,
        new SizeEstimate(270, 12, ZoneSizeEstimator.METHOD),
        new SizeEstimate(290, 40, LookupSizeEstimator.METHOD), 9.5, 100, true, 1, false, 70, 0);
    history.sweepEnded(s, progress(300, 260));
    now += 500;
    history.progress(progress(301, 261));
    assertEquals(2, samples.size(), "the next progress sample waits ten seconds");
    assertEquals(new EstimateSample(1_000_500, 300, 250, 260, 270, 12, 290, 40), samples.get(1));
  }

  @Test
  void aSweepWithoutEstimatesRecordsNaN() {
    CrawlSummary s = new CrawlSummary(3, 2, 3, 0, null, null, 1, 100, true, 1, false, 1, 0);
    history.sweepEnded(s, progress(3, Double.NaN));
    assertTrue(Double.isNaN(samples.get(0).zone()) && Double.isNaN(samples.get(0).lookup()));
    assertTrue(!samples.get(0).hasEstimate());
  }
}
