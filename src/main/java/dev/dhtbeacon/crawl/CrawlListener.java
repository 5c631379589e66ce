package dev.dhtbeacon.crawl;

import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.routing.Contact;

/**
 * Told how a crawl is going. {@link #onProgress} runs on the crawler's own callback thread
 * about once a second; {@link #onQuerySent} runs on the node's event loop for every crawl query
 * and must be fast and never block (tests and benchmarks record send logs with it).
 */
@FunctionalInterface
public interface CrawlListener {
  void onProgress(CrawlProgress progress);

  default void onQuerySent(Contact to, QueryArgs query, long nanoTime) {
  }

  /** A listener that ignores everything. */
  static CrawlListener none() {
    return p -> {
    };
  }
}
