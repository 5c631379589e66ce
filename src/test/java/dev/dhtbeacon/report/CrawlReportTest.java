package dev.dhtbeacon.report;

import dev.dhtbeacon.routing.NodeId;
import static dev.dhtbeacon.report.ReportHtml.assertWellFormed;
import static dev.dhtbeacon.report.ReportHtml.bars;
import static dev.dhtbeacon.report.ReportHtml.count;
import static dev.dhtbeacon.report.ReportHtml.row;
import static dev.dhtbeacon.report.ReportHtml.svg;
import static dev.dhtbeacon.report.ReportHtml.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.crawl.CrawlSummary;
import dev.dhtbeacon.crawl.SizeEstimate;
import dev.dhtbeacon.store.CrawlDatabase;
import dev.dhtbeacon.store.CrawlNode;
import dev.dhtbeacon.store.EstimateSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a crawl database with known contents: charts, counts, escaping, files. */
class CrawlReportTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private static final long T = NOW.toEpochMilli();
  private static final String HOSTILE = "<script>alert(1)</script>";
  private static final String[] CHARTS = {"chart-keyspace", "chart-versions", "chart-rtt",
      "chart-bep42", "chart-bep51", "chart-estimates"};

  @TempDir
  Path dir;

  private int serial;

  /** 127.0.150.{@code last}: only stored, never sent to. */
  private static byte[] ip(int last) {
    return new byte[] {127, 0, (byte) 150, (byte) last};
  }

  /** A node id whose first byte is {@code first}, unique through a serial number. */
  private String id(int first) {
    return String.format(Locale.ROOT, "%02x%038x", first, ++serial);
  }

  private CrawlNode answered(int first, String version, long rtt, boolean bep42, int bep51) {
    return CrawlNode.discovered(id(first), ip(9), 29500, bep42, T - 5_000)
        .withAnswer(ip(9), 29500, bep42, version, rtt, T - 1_000, bep51,
            bep51 == 1 ? 20 : -1, bep51 == 1 ? 60 : -1);
  }

  /**
   * 10 answering nodes in keyspace bin 0 (first byte 0x00–0x03), 5 in bin 63 (0xfc–0xff) and
   * 3 found but silent in bin 32 (0x80–0x83). Versions: 6 × LT 0102, 3 × UT b55a, 2 hostile,
   * 4 none. RTTs 10, 20, … 150 ms. BEP 42: 12 valid, 3 not. BEP 51: 9 yes, 4 no, 2 unknown.
   */
  private void fill(CrawlDatabase db) {
    String[] versions = {"LT\u0001\u0002", "LT\u0001\u0002", "LT\u0001\u0002", "LT\u0001\u0002",
        "LT\u0001\u0002", "LT\u0001\u0002", "UT\u00b5\u005a", "UT\u00b5\u005a", "UT\u00b5\u005a",
        HOSTILE, HOSTILE, null, null, null, null};
    int[] bep51 = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, -1, -1};
    for (int i = 0; i < 15; i++) {
      int first = i < 10 ? i % 4 : 0xfc + i % 4;
      db.putNode(answered(first, versions[i], 10L * (i + 1), i >= 3, bep51[i]));
    }
    for (int i = 0; i < 3; i++) {
      db.putNode(CrawlNode.discovered(id(0x80 + i), ip(10), 29501, true,
          T - 4_000));
    }
    db.putNode(CrawlNode.discovered(id(0x80), ip(11), 29502, true, T)
        .withReadOnly());
    db.reportInfohash(NodeId.ofHex("ab".repeat(20)), new byte[20], T);
    db.addEstimate(new EstimateSample(T - 60_000, 4, 2, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN));
    db.addEstimate(new EstimateSample(T - 50_000, 17, 15, 16, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN));
    db.addEstimate(new EstimateSample(T - 45_000, 19, 15, 16, 17, 2, 18, 4));
  }

  private CrawlReport report(Path file, CrawlSummary summary) throws IOException {
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      fill(db);
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      return CrawlReport.collect(db, summary, NOW);
    }
  }

  @Test
  void everyChartShowsTheDatabaseFigures() throws Exception {
    CrawlSummary summary = new CrawlSummary(19, 15, 18, 1, new SizeEstimate(17, 2, "zone"),
        new SizeEstimate(18, 4, "lookup"), 12.34, 100, true, 1, false, 3, 0);
    String html = report(dir.resolve("crawl.db"), summary).html();

    String keyspace = svg(html, "chart-keyspace");
    List<Long> found = values(keyspace, "bar found");
    List<Long> answered = values(keyspace, "bar answered");
    assertEquals(64, found.size());
    assertEquals(64, answered.size());
    assertEquals(List.of(10L, 4L, 5L), List.of(found.get(0), found.get(32), found.get(63)));
    assertEquals(List.of(10L, 0L, 5L),
        List.of(answered.get(0), answered.get(32), answered.get(63)));
    assertEquals(19, found.stream().mapToLong(Long::longValue).sum(), "read-only node too");

    assertEquals(Map.of("LT 0102", 6L, "UT b55a", 3L, "&lt;script&gt;alert(1)&lt;/script&gt;",
        2L), bars(svg(html, "chart-versions"), "bar version"));
    assertEquals(Map.of("none", 4L), bars(svg(html, "chart-versions"), "bar none"));

    String rtt = svg(html, "chart-rtt");
    assertEquals(15, values(rtt, "bar rtt").stream().mapToLong(Long::longValue).sum());
    assertTrue(rtt.contains(">median 80 ms<") && rtt.contains(">p90 140 ms<"), rtt);
    assertEquals("median 80 ms, 90th percentile 140 ms, of 15 answers", row(html, "rtt"));

    assertEquals(Map.of("valid", 12L), bars(svg(html, "chart-bep42"), "bar valid"));
    assertEquals(Map.of("not valid", 3L), bars(svg(html, "chart-bep42"), "bar invalid"));
    String bep51 = svg(html, "chart-bep51");
    assertEquals(Map.of("supported", 9L), bars(bep51, "bar supported"));
    assertEquals(Map.of("not supported", 4L), bars(bep51, "bar unsupported"));
    assertEquals(Map.of("unknown", 2L), bars(bep51, "bar unknown"));

    String estimates = svg(html, "chart-estimates");
    assertEquals(List.of(17L), values(estimates, "point zone"));
    assertEquals(List.of(18L), values(estimates, "point lookup"));
    assertEquals(List.of(16L, 16L), values(estimates, "point density"));
    assertEquals(List.of(2L, 15L, 15L), values(estimates, "point progress"));
    assertEquals(2, count(estimates, "class=\"error-bar"), "zone and lookup have error bars");

    assertEquals("19", row(html, "nodes-found"));
    assertEquals("15 (78.9%)", row(html, "nodes-answered"));
    assertEquals("1", row(html, "infohashes"));
    assertEquals("1", row(html, "read-only"));
    assertEquals("12.3 s", row(html, "duration"));
    assertEquals("#1, complete", row(html, "sweep"));
    assertEquals("17 ± 2 (1 s.e.) at 2026-11-21 11:59:15 UTC", row(html, "estimate-zone"));
    assertEquals("18 ± 4 (1 s.e.) at 2026-11-21 11:59:15 UTC", row(html, "estimate-lookup"));
    assertEquals("2026-11-21 12:00:00 UTC", row(html, "generated"));
    assertEquals(0, count(html, "class=\"no-data\""));
    for (String chart : CHARTS) {
      assertWellFormed(svg(html, chart));
    }
  }

  @Test
  void stringsFromTheNetworkAreEscapedAndNothingCanLoadOrRun() throws Exception {
    String attribute = "\"><img src=x onerror=alert(1)>";
    try (CrawlDatabase db = CrawlDatabase.inMemory()) {
      db.putNode(answered(1, HOSTILE, 5, true, 1));
      db.putNode(answered(2, attribute, 5, true, 1));
      db.putNode(answered(3, "LT\u0000\u0007", 5, true, 1));
      db.putNode(answered(4, "\u0000\u001b[31m&amp;\u00ff", 5, true, 1));
      String html = CrawlReport.collect(db, null, NOW).html();
      String lower = html.toLowerCase(Locale.ROOT);
      assertFalse(lower.contains("<script"), "a version became a script element");
      assertFalse(lower.contains("<img"), "a version became an image element");
      assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
      assertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
      assertTrue(html.contains(">LT 0007<"), "a conventional version: letters, hex number");
      assertTrue(html.contains(">\\x00\\x1b[31m&amp;amp;\\xff<"), "odd bytes spelled out");
      assertTrue(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""),
          "the Content-Security-Policy blocks every load and every script");
      String withoutNamespace = lower.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
      assertFalse(withoutNamespace.contains("://") || withoutNamespace.contains("url("),
          "no address to load anything from but the SVG namespace");
      assertWellFormed(svg(html, "chart-versions"));
    }
  }

  @Test
  void anEmptyDatabaseGivesNoDataSectionsAndTheSummary() {
    try (CrawlDatabase db = CrawlDatabase.inMemory()) {
      String html = CrawlReport.collect(db, null, NOW).html();
      assertEquals(6, count(html, "<p class=\"no-data\">"), html);
      assertEquals(0, count(html, "<svg id=\"chart-"));
      assertEquals("0", row(html, "nodes-found"));
      assertEquals("0 (–)", row(html, "nodes-answered"));
      assertEquals("–", row(html, "estimate-zone"));
      assertEquals("none yet", row(html, "sweep"));
      assertEquals("–", row(html, "duration"));
      assertTrue(html.endsWith("</html>\n"));
    }
  }

  @Test
  void nodesThatNeverAnsweredStillFillTheKeyspaceAndSamplesWithoutEstimatesAreNoData() {
    try (CrawlDatabase db = CrawlDatabase.inMemory()) {
      db.putNode(CrawlNode.discovered(id(0x40), ip(3), 1, true, T));
      db.addEstimate(new EstimateSample(T, 1, 0, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN));
      String html = CrawlReport.collect(db, null, NOW).html();
      assertEquals(1, count(html, "<svg id=\"chart-"), "only the keyspace has data");
      assertEquals(List.of(1L), values(svg(html, "chart-keyspace"), "bar found").subList(16, 17));
      assertEquals(5, count(html, "<p class=\"no-data\">"));
    }
  }

  @Test
  void thirteenVersionsAndMoreShowTheTopTwelveThenOther() {
    try (CrawlDatabase db = CrawlDatabase.inMemory()) {
      for (int v = 0; v < 15; v++) {
        for (int n = 0; n <= v; n++) {
          db.putNode(answered(v, "V" + (char) ('a' + v) + "\u0000\u0001", 5, true, 1));
        }
      }
      Map<String, Long> shown = bars(svg(CrawlReport.collect(db, null, NOW).html(),
          "chart-versions"), "bar version");
      assertEquals(12, shown.size());
      assertEquals(15L, shown.get("Vo 0001"), "most common first");
      assertEquals(List.of(15L, 14L, 13L), shown.values().stream().limit(3).toList());
      assertEquals(Map.of("other", 1L + 2 + 3), bars(svg(CrawlReport.collect(db, null, NOW)
          .html(), "chart-versions"), "bar other"));
    }
  }

  @Test
  void writingReplacesTheFileAtomicallyAndLeavesNoTemporaryFile() throws Exception {
    Path file = dir.resolve("report.html");
    Files.writeString(file, "old report");
    CrawlReport r = report(dir.resolve("crawl.db"), null);
    r.write(file);
    assertEquals(r.html(), Files.readString(file, StandardCharsets.UTF_8));
    assertEquals(List.of(), temporaryFiles());

    // A directory in the way: the rename fails, the temporary file goes, the target stays.
    Path blocked = dir.resolve("blocked.html");
    Files.createDirectories(blocked.resolve("inside"));
    assertThrows(IOException.class, () -> r.write(blocked));
    assertTrue(Files.isDirectory(blocked.resolve("inside")));
    assertEquals(List.of(), temporaryFiles());
  }

  private List<Path> temporaryFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  @Test
  void versionLabels() {
    assertEquals("LT 0102", ClientVersion.label("LT\u0001\u0002"));
    assertEquals("\\x00\\xffab", ClientVersion.label("\u0000\u00ffab"));
    assertEquals("UT", ClientVersion.label("UT"));
    assertEquals("x".repeat(ClientVersion.MAX_CHARS) + "…",
        ClientVersion.label("x".repeat(ClientVersion.MAX_CHARS + 5)));
  }

  @Test
  void distinctVersionsAreCappedSoMemoryStaysBounded() {
    NodeTally tally = new NodeTally();
    int distinct = NodeTally.MAX_DISTINCT + 50;
    for (int i = 0; i < distinct; i++) {
      tally.accept(answered(i % 256, "v" + i, 5, true, 1));
    }
    NodeStats s = tally.stats();
    long shown = s.versions().stream().mapToLong(NodeStats.Bar::count).sum();
    assertEquals(distinct, shown + s.otherVersions());
    assertEquals(NodeTally.TOP_VERSIONS, s.versions().size());
    assertEquals(Collections.nCopies(NodeTally.TOP_VERSIONS, 1L),
        s.versions().stream().map(NodeStats.Bar::count).toList());
  }
}
