package dev.dhtbeacon.crawl;

import dev.dhtbeacon.store.EstimateSample;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Turns a crawl's progress and summaries into {@link EstimateSample}s for the database's
 * history (the crawl report's "size estimate over time"): one sample every
 * {@value #EVERY_MILLIS} ms of progress, so a day of continuous crawling fits in the history,
 * and one at the end of each sweep with its zone and lookup estimates.
 *
 * <p>Called only on the crawler's callback thread, so its one field needs no lock.
 */
final class EstimateHistory {
  static final long EVERY_MILLIS = 10_000;

  private final Consumer<EstimateSample> sink;
  private final Clock clock;
  private long lastMillis = Long.MIN_VALUE;

  EstimateHistory(Consumer<EstimateSample> sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  /** A progress report; becomes a sample if the last one is old enough. */
  void progress(CrawlProgress p) {
    long now = clock.millis();
    if (lastMillis != Long.MIN_VALUE && now - lastMillis < EVERY_MILLIS) {
      return;
    }
    lastMillis = now;
    sink.accept(new EstimateSample(now, p.nodesFound(), p.nodesAnswered(), p.estimate(),
        Double.NaN, Double.NaN, Double.NaN, Double.NaN));
  }

  /** The end of a sweep: always a sample, with the estimates the summary carries. */
  void sweepEnded(CrawlSummary s, CrawlProgress last) {
    long now = clock.millis();
    lastMillis = now;
    SizeEstimate zone = s.estimateZone();
    SizeEstimate lookup = s.estimateLookup();
    sink.accept(new EstimateSample(now, s.nodesFound(), s.nodesAnswered(), last.estimate(),
        zone == null ? Double.NaN : zone.estimate(),
        zone == null ? Double.NaN : zone.standardError(),
        lookup == null ? Double.NaN : lookup.estimate(),
        lookup == null ? Double.NaN : lookup.standardError()));
  }
}
