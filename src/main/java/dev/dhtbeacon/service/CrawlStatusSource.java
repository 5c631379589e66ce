package dev.dhtbeacon.service;

import java.util.List;
import java.util.Map;

/**
 * The hook through which a crawl running inside {@code serve} reports its progress: until one
 * is attached with {@link BeaconService#attachCrawl}, {@code /status} shows {@code "crawl":
 * null} and {@code /metrics} has no crawl series. Nothing here invents numbers; the crawler
 * fills it (its {@code CrawlProgress} maps naturally: nodes found and answered, queries sent,
 * infohashes, cursor percent, size estimate).
 *
 * <p>Called from HTTP threads while the crawl runs: implementations must be thread-safe and
 * fast (return the last progress snapshot, do not compute).
 */
public interface CrawlStatusSource {
  /**
   * Names of the numbers to export, in snake_case, fixed for the source's lifetime; each
   * becomes the gauge {@code dhtbeacon_crawl_<name>}.
   */
  List<String> gaugeNames();

  /** The current value of one of {@link #gaugeNames()}; NaN when not known yet. */
  double gauge(String name);

  /** The {@code /status} "crawl" object: JSON-able maps, lists, strings, numbers. */
  Map<String, Object> status();
}
