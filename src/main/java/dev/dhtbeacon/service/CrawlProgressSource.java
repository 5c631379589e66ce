package dev.dhtbeacon.service;

import dev.dhtbeacon.crawl.CrawlListener;
import dev.dhtbeacon.crawl.CrawlProgress;
import dev.dhtbeacon.crawl.CrawlSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feeds a running crawl's progress to {@code /status} and {@code /metrics}: the crawler reports
 * about once a second, HTTP threads read the last snapshot.
 */
public final class CrawlProgressSource implements CrawlStatusSource, CrawlListener {
  private static final List<String> NAMES = List.of("nodes_found", "nodes_answered",
      "queries_sent", "queries_per_second", "infohashes", "cursor_percent", "estimate",
      "sweeps_completed");

  private volatile CrawlProgress last;
  private volatile long sweeps;

  @Override
  public void onProgress(CrawlProgress progress) {
    last = progress;
  }

  /** Counts a finished sweep. */
  public void sweepDone(CrawlSummary summary) {
    sweeps++;
  }

  @Override
  public List<String> gaugeNames() {
    return NAMES;
  }

  @Override
  public double gauge(String name) {
    CrawlProgress p = last;
    if (name.equals("sweeps_completed")) {
      return sweeps;
    }
    if (p == null) {
      return Double.NaN;
    }
    return switch (name) {
      case "nodes_found" -> p.nodesFound();
      case "nodes_answered" -> p.nodesAnswered();
      case "queries_sent" -> p.queriesSent();
      case "queries_per_second" -> p.queriesPerSecond();
      case "infohashes" -> p.infohashes();
      case "cursor_percent" -> p.cursorPercent();
      case "estimate" -> p.estimate();
      default -> Double.NaN;
    };
  }

  @Override
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String name : NAMES) {
      double v = gauge(name);
      m.put(name, Double.isNaN(v) ? null : v);
    }
    return m;
  }
}
