package dev.dhtbeacon.cli;

import static dev.dhtbeacon.report.ReportHtml.svg;
import static dev.dhtbeacon.report.ReportHtml.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Endpoints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crawl report renders in headless Chromium with its charts: {@code dhtbeacon crawl
 * --report} as a real process against a 200-node testnet (in-memory database), then the page
 * in Chromium — its DOM must hold every chart with figures matching the crawl's summary, and
 * its screenshot every bar chart's colours. Skipped without Chromium, except under
 * {@code CI=true} where that fails.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CrawlReportChromiumTest {
  private static final int NODES = 200;
  /** Bar colours from the page's style sheet, each of which must cover real pixels. */
  private static final Map<String, Integer> BAR_COLOURS = Map.of(
      "keyspace found", 0xc6dbef, "keyspace answered", 0x2171b5, "client version", 0x31a354,
      "rtt", 0x6a51a3, "bep42 valid / bep51 supported", 0x2ca25f, "bep51 unsupported",
      0xde2d26);

  @Test
  void theCrawlReportRendersInHeadlessChromiumWithItsCharts(@TempDir Path dir)
      throws Exception {
    HeadlessChromium chromium = HeadlessChromium.require(dir);
    Path page = dir.resolve("report.html");
    String json;
    try (Testnet net = Testnet.start(Testnet.Options.of(NODES)
        .withBase(Testnet.loopback(127, 0, 150, 1), 29500).withCrawlTruth(5, 0.1, 0.2)
        .withLatency(20))) {
      CliProcess.Result r = CliProcess.run(Duration.ofSeconds(60), "crawl", "--network",
          "loopback", "--bind", "127.0.151.1", "--bootstrap", Endpoints.format(net.entryPoint()),
          "--duration", "20s", "--rate", "2000", "--report", page.toString(), "--json");
      assertEquals(0, r.exitCode(), r.stderr());
      assertTrue(r.stderr().contains("wrote the crawl report to " + page), r.stderr());
      json = r.stdout().strip();
    }
    long answered = number(json, "nodes_answered");
    assertTrue(answered >= NODES / 2, json);

    String dom = chromium.dumpDom(page);
    assertTrue(dom.contains("<table id=\"summary\">"), "summary table");
    assertFalse(dom.contains("class=\"no-data\""), "a chart without data");
    String keyspace = svg(dom, "chart-keyspace");
    assertEquals(64, values(keyspace, "bar found").size());
    assertEquals(answered, sum(values(keyspace, "bar answered")));
    assertEquals(number(json, "nodes_found"), sum(values(keyspace, "bar found")));
    assertEquals(List.of(answered), values(svg(dom, "chart-versions"), "bar version"),
        "every testnet node sends dhtbeacon's own version");
    assertEquals(answered, sum(values(svg(dom, "chart-rtt"), "bar rtt")));
    assertEquals(List.of(answered), values(svg(dom, "chart-bep42"), "bar valid"),
        "loopback addresses are BEP 42-exempt");
    String bep51 = svg(dom, "chart-bep51");
    long yes = sum(values(bep51, "bar supported"));
    long no = sum(values(bep51, "bar unsupported"));
    assertEquals(answered, yes + no + sum(values(bep51, "bar unknown")));
    assertTrue(yes > 0 && no > 0, "the testnet has nodes with and without BEP 51: " + bep51);
    String estimates = svg(dom, "chart-estimates");
    assertEquals(1, values(estimates, "point zone").size(), estimates);
    assertEquals(1, values(estimates, "point lookup").size(), estimates);
    assertFalse(values(estimates, "point progress").isEmpty(), estimates);

    BufferedImage shot = chromium.screenshot(page, 1000, 3000);
    Map<Integer, Integer> pixels = histogram(shot);
    for (Map.Entry<String, Integer> c : BAR_COLOURS.entrySet()) {
      int n = pixels.getOrDefault(c.getValue(), 0);
      assertTrue(n >= 500, c.getKey() + " bars cover " + n + " pixels in the screenshot");
    }
    assertTrue(pixels.size() > 100, "only " + pixels.size() + " colours: a blank page?");
  }

  @Test
  void aReportIntoAMissingDirectoryIsRefusedBeforeCrawling(@TempDir Path dir)
      throws Exception {
    Path missing = dir.resolve("no-such-dir").resolve("report.html");
    CliProcess.Result r = CliProcess.run(Duration.ofSeconds(30), "crawl", "--network",
        "loopback", "--bind", "127.0.151.2", "--bootstrap", "127.0.151.254:29599",
        "--duration", "5s", "--report", missing.toString());
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("no such directory"), r.stderr());
    assertFalse(Files.exists(missing.getParent()));
  }

  private static long sum(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sum();
  }

  /** Pixels per RGB colour. */
  private static Map<Integer, Integer> histogram(BufferedImage image) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        counts.merge(image.getRGB(x, y) & 0xffffff, 1, Integer::sum);
      }
    }
    return counts;
  }

  private static long number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
    assertTrue(m.find(), key + " missing: " + json);
    return Long.parseLong(m.group(1));
  }
}
