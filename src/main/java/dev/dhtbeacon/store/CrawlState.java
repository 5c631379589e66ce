package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDictionary;

/**
 * Where the crawl stands, saved with the node records so a killed crawl resumes its sweep.
 *
 * @param sweep the current (or last) sweep number, from 1; 0 before the first
 * @param inProgress whether that sweep is unfinished
 * @param cursorHex the highest id the sweep has queried, 40 hex characters
 * @param horizonHex ids at or below this were dropped from memory (the sweep ignores them)
 * @param startedMillis when the sweep began
 * @param queriesSent queries sent in this sweep
 * @param answered nodes that answered in this sweep
 * @param failed queries that timed out in this sweep
 * @param mismatches answers from an unexpected node id in this sweep
 * @param nodesFound distinct nodes this sweep heard of
 */
public record CrawlState(long sweep, boolean inProgress, String cursorHex, String horizonHex,
    long startedMillis, long queriesSent, long answered, long failed, long mismatches,
    long nodesFound) {
  private static final String ZERO = "0".repeat(40);

  /** The state of a database that never crawled. */
  public static CrawlState initial() {
    return new CrawlState(0, false, ZERO, ZERO, 0, 0, 0, 0, 0, 0);
  }

  BDictionary toBencode() {
    return BDictionary.builder().put("sweep", sweep).put("open", inProgress ? 1 : 0)
        .put("cursor", cursorHex).put("horizon", horizonHex).put("started", startedMillis)
        .put("sent", queriesSent).put("answered", answered).put("failed", failed)
        .put("mismatches", mismatches).put("found", nodesFound).build();
  }

  static CrawlState fromBencode(BDictionary d) {
    String cursor = d.text("cursor");
    String horizon = d.text("horizon");
    if (d.integer("sweep") == null || cursor == null || horizon == null) {
      throw new IllegalStateException("incomplete crawl state");
    }
    return new CrawlState(d.integer("sweep"), get(d, "open") == 1, cursor, horizon,
        get(d, "started"), get(d, "sent"), get(d, "answered"), get(d, "failed"),
        get(d, "mismatches"), get(d, "found"));
  }

  private static long get(BDictionary d, String key) {
    Long v = d.integer(key);
    return v == null ? 0 : v;
  }
}
