package dev.dhtbeacon.crawl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one crawl found.
 *
 * @param nodesFound distinct nodes the sweep heard of (dead ones included)
 * @param nodesAnswered nodes that answered the sweep
 * @param queriesSent sweep queries sent (estimates not included)
 * @param infohashes distinct infohashes in the crawl database
 * @param estimateZone the zone capture–recapture estimate of live nodes, or null if not made
 * @param estimateLookup the lookup estimate of live nodes, or null if not made
 * @param seconds wall time of the crawl
 * @param cursorPercent how far up the keyspace the sweep got, 0 to 100
 * @param complete whether the sweep finished (rather than hitting the duration)
 * @param sweep the sweep's number in its database
 * @param resumed whether it continued a sweep a previous process left unfinished
 * @param timeouts queries left unanswered
 * @param mismatches answers from another node id than expected (not recorded)
 */
public record CrawlSummary(long nodesFound, long nodesAnswered, long queriesSent,
    long infohashes, SizeEstimate estimateZone, SizeEstimate estimateLookup, double seconds,
    double cursorPercent, boolean complete, long sweep, boolean resumed, long timeouts,
    long mismatches) {

  /**
   * The summary as the {@code --json} object: snake_case keys, estimates as numbers with an
   * {@code _error} companion (null when not made or not finite).
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nodes_found", nodesFound);
    m.put("nodes_answered", nodesAnswered);
    m.put("queries_sent", queriesSent);
    m.put("infohashes", infohashes);
    m.put("estimate_zone", number(estimateZone == null ? Double.NaN : estimateZone.estimate()));
    m.put("estimate_zone_error",
        number(estimateZone == null ? Double.NaN : estimateZone.standardError()));
    m.put("estimate_lookup",
        number(estimateLookup == null ? Double.NaN : estimateLookup.estimate()));
    m.put("estimate_lookup_error",
        number(estimateLookup == null ? Double.NaN : estimateLookup.standardError()));
    m.put("seconds", Math.round(seconds * 10) / 10.0);
    m.put("cursor_percent", Math.round(cursorPercent * 100) / 100.0);
    m.put("complete", complete);
    m.put("sweep", sweep);
    m.put("resumed", resumed);
    m.put("timeouts", timeouts);
    m.put("mismatches", mismatches);
    return m;
  }

  private static Object number(double v) {
    return Double.isFinite(v) ? (Object) (Math.round(v * 10) / 10.0) : null;
  }
}
