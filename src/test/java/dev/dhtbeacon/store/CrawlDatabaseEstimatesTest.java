package dev.dhtbeacon.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The size-estimate history in the crawl database: round trip, order, cap, commits. */
class CrawlDatabaseEstimatesTest {
  @TempDir
  Path dir;

  private static EstimateSample at(long millis, double zone) {
    return new EstimateSample(millis, 10, 8, Double.NaN, zone, 3.4, Double.NaN, Double.NaN);
  }

  @Test
  void samplesSurviveReopeningInTimeOrderWithNaNsKept() throws Exception {
    Path file = dir.resolve("crawl.db");
    EstimateSample full = new EstimateSample(2_000, 1_200, 900, 1_150.4, 1_000.6, 25.2,
        1_300, 80);
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      db.addEstimate(full);
      db.addEstimate(at(1_000, Double.NaN));
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      List<EstimateSample> h = db.estimates();
      assertEquals(2, h.size());
      assertEquals(new EstimateSample(1_000, 10, 8, Double.NaN, Double.NaN, 3, Double.NaN,
          Double.NaN), h.get(0), "oldest first; absent estimates stay NaN");
      assertEquals(new EstimateSample(2_000, 1_200, 900, 1_150, 1_001, 25, 1_300, 80), h.get(1),
          "stored as whole numbers");
      assertTrue(h.get(1).hasEstimate());
    }
  }

  @Test
  void samplesWithTheSameTimeAreAllKeptInOrder() {
    try (CrawlDatabase db = CrawlDatabase.inMemory()) {
      for (int i = 0; i < 5; i++) {
        db.addEstimate(at(7_000, i));
      }
      assertEquals(List.of(0.0, 1.0, 2.0, 3.0, 4.0),
          db.estimates().stream().map(EstimateSample::zone).toList());
    }
  }

  @Test
  void historyKeepsTheNewestTenThousand() {
    try (CrawlDatabase db = CrawlDatabase.inMemory()) {
      int extra = 25;
      for (int i = 0; i < CrawlDatabase.HISTORY_LIMIT + extra; i++) {
        db.addEstimate(at(1_000L * i, i));
      }
      List<EstimateSample> h = db.estimates();
      assertEquals(CrawlDatabase.HISTORY_LIMIT, h.size());
      assertEquals(1_000L * extra, h.get(0).timeMillis(), "the oldest were dropped");
      assertEquals(1_000L * (CrawlDatabase.HISTORY_LIMIT + extra - 1),
          h.get(h.size() - 1).timeMillis());
    }
  }

  @Test
  void uncommittedSamplesAreLostLikeEveryOtherWrite() throws Exception {
    Path file = dir.resolve("crawl.db");
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      db.addEstimate(at(1_000, 1));
    }
    CrawlDatabase db = CrawlDatabase.open(file);
    db.addEstimate(at(2_000, 2));
    db.closeWithoutCommit();
    try (CrawlDatabase reopened = CrawlDatabase.open(file)) {
      assertEquals(List.of(1_000L),
          reopened.estimates().stream().map(EstimateSample::timeMillis).toList());
    }
  }
}
