package dev.dhtbeacon.report;

import dev.dhtbeacon.crawl.CrawlSummary;
import dev.dhtbeacon.node.AtomicFile;
import dev.dhtbeacon.store.CrawlDatabase;
import dev.dhtbeacon.store.CrawlState;
import dev.dhtbeacon.store.EstimateSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A crawl report ({@code crawl --report}): one self-contained HTML page with inline SVG
 * charts of a crawl database — nodes over the keyspace, client versions, round-trip times,
 * BEP 42 and BEP 51 support, and the size estimate over time — and a summary table. The page
 * loads nothing (no script, font, style sheet or image from anywhere) and its
 * Content-Security-Policy forbids trying, so it renders offline and a hostile client version
 * string, escaped anyway, could not run as script.
 *
 * <pre>{@code
 * CrawlReport r = crawler.readDatabase(db -> CrawlReport.collect(db, summary, Instant.now()))
 *     .join();
 * r.write(Path.of("report.html"));
 * }</pre>
 *
 * <p>Each chart is an {@code <svg>} with a stable id ({@code chart-keyspace},
 * {@code chart-versions}, {@code chart-rtt}, {@code chart-bep42}, {@code chart-bep51},
 * {@code chart-estimates}) whose bars and points carry {@code data-value}; a chart without data
 * is a {@code <p class="no-data">} instead. An immutable snapshot: build it, then render it on
 * any thread.
 */
public final class CrawlReport {
  private final NodeStats nodes;
  private final List<EstimateSample> history;
  private final CrawlState state;
  private final long infohashes;
  private final CrawlSummary summary;
  private final Instant generatedAt;

  private CrawlReport(NodeStats nodes, List<EstimateSample> history, CrawlState state,
      long infohashes, CrawlSummary summary, Instant generatedAt) {
    this.nodes = nodes;
    this.history = List.copyOf(history);
    this.state = state;
    this.infohashes = infohashes;
    this.summary = summary;
    this.generatedAt = generatedAt;
  }

  /**
   * Reads what the report shows from {@code db}: one pass over the node records (bounded
   * memory whatever their number), the estimate history, the sweep state. Blocks on disk; run
   * it where the database may be read (for a running crawl, {@code Crawler#readDatabase}).
   *
   * @param summary the crawl just finished, for its duration and queries, or null
   * @param generatedAt the time the page says it was made
   */
  public static CrawlReport collect(CrawlDatabase db, CrawlSummary summary,
      Instant generatedAt) {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(generatedAt, "generatedAt");
    NodeTally tally = new NodeTally();
    db.forEachNode(tally);
    return new CrawlReport(tally.stats(), db.estimates(), db.state(), db.infohashCount(),
        summary, generatedAt);
  }

  /** The page, UTF-8 HTML. */
  public String html() {
    return new ReportPage(this).render();
  }

  /**
   * Writes the page to {@code file}, replacing it atomically: a reader sees the old report or
   * the whole new one.
   *
   * @throws IOException if it cannot be written; no temporary file is left behind
   */
  public void write(Path file) throws IOException {
    AtomicFile.replace(file, html().getBytes(StandardCharsets.UTF_8), ".report");
  }

  NodeStats nodes() {
    return nodes;
  }

  List<EstimateSample> history() {
    return history;
  }

  CrawlState state() {
    return state;
  }

  long infohashes() {
    return infohashes;
  }

  /** The crawl this report follows, or null for a report of a database alone. */
  CrawlSummary summary() {
    return summary;
  }

  Instant generatedAt() {
    return generatedAt;
  }
}
