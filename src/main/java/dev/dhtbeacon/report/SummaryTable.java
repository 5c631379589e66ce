package dev.dhtbeacon.report;

import dev.dhtbeacon.crawl.CrawlSummary;
import dev.dhtbeacon.store.EstimateSample;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The report's summary table ({@code <table id="summary">}): one row per figure, each
 * {@code <tr>} with a stable id ({@code row-nodes-found}, …) for tests and scripts.
 */
final class SummaryTable {
  static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);

  private final StringBuilder out = new StringBuilder(2_048);

  private SummaryTable() {
  }

  static String render(CrawlReport r) {
    SummaryTable t = new SummaryTable();
    NodeStats n = r.nodes();
    CrawlSummary s = r.summary();
    t.out.append("<table id=\"summary\">\n");
    t.row("generated", "Generated", UTC.format(r.generatedAt()));
    t.row("sweep", "Sweep", sweep(r));
    t.row("duration", "Crawl duration", s == null ? "–"
        : String.format(Locale.ROOT, "%.1f s", s.seconds()));
    t.row("queries", "Queries sent (this crawl)", s == null ? "–" : Html.count(s.queriesSent()));
    t.row("nodes-found", "Nodes found", Html.count(n.found()));
    t.row("nodes-answered", "Nodes answered", Html.count(n.answered()) + " ("
        + Html.percent(n.answered(), n.found()) + ")");
    t.row("infohashes", "Infohashes (BEP 51 samples)", Html.count(r.infohashes()));
    t.row("estimate-zone", "Size estimate, zone capture–recapture",
        latest(r.history(), EstimateSample::zone, EstimateSample::zoneError));
    t.row("estimate-lookup", "Size estimate, lookup k-th distance",
        latest(r.history(), EstimateSample::lookup, EstimateSample::lookupError));
    t.row("rtt", "Round-trip time", n.rtt().count() == 0 ? "–" : RttChart.caption(n.rtt()));
    t.row("read-only", "Read-only nodes (BEP 43)", Html.count(n.readOnly()));
    return t.out.append("</table>\n").toString();
  }

  private void row(String id, String name, String value) {
    out.append("<tr id=\"row-").append(id).append("\"><th>").append(Html.escape(name))
        .append("</th><td>").append(Html.escape(value)).append("</td></tr>\n");
  }

  private static String sweep(CrawlReport r) {
    CrawlSummary s = r.summary();
    if (s != null) {
      return "#" + s.sweep() + (s.complete() ? ", complete" : String.format(Locale.ROOT,
          ", stopped at %.1f%% of the keyspace", s.cursorPercent()))
          + (s.resumed() ? ", resumed" : "");
    }
    long sweep = r.state().sweep();
    return sweep == 0 ? "none yet" : "#" + sweep + (r.state().inProgress() ? ", unfinished"
        : ", complete");
  }

  /** The newest finite estimate of one kind: "1,234 ± 56 (1 s.e.) at …", or "–". */
  private static String latest(List<EstimateSample> history, ToDoubleFunction<EstimateSample> value,
      ToDoubleFunction<EstimateSample> error) {
    for (int i = history.size() - 1; i >= 0; i--) {
      EstimateSample e = history.get(i);
      double v = value.applyAsDouble(e);
      if (Double.isFinite(v)) {
        double se = error.applyAsDouble(e);
        return Html.count(Math.round(v))
            + (Double.isFinite(se) ? " ± " + Html.count(Math.round(se)) + " (1 s.e.)" : "")
            + " at " + UTC.format(Instant.ofEpochMilli(e.timeMillis()));
      }
    }
    return "–";
  }
}
