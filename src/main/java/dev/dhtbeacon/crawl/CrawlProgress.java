package dev.dhtbeacon.crawl;

import java.util.Locale;

/**
 * A crawl's progress, reported about once a second.
 *
 * @param nodesFound distinct nodes the current sweep has heard of
 * @param nodesAnswered nodes that answered in the current sweep
 * @param queriesSent queries sent in the current sweep
 * @param queriesPerSecond queries sent over the last reporting interval, per second
 * @param infohashes distinct infohashes in the crawl database
 * @param cursorPercent how far up the keyspace the sweep is, 0 to 100
 * @param estimate live nodes in the DHT as extrapolated so far from the density of the nodes
 *     found behind the cursor and the share of them that answered; NaN before any
 * @param seconds since the crawl started
 */
public record CrawlProgress(long nodesFound, long nodesAnswered, long queriesSent,
    double queriesPerSecond, long infohashes, double cursorPercent, double estimate,
    double seconds) {

  /** One human line for a progress display. */
  public String line() {
    return String.format(Locale.ROOT,
        "%5.0fs  found %d  answered %d  %.0f q/s  infohashes %d  cursor %.2f%%  estimate %s",
        seconds, nodesFound, nodesAnswered, queriesPerSecond, infohashes, cursorPercent,
        Double.isNaN(estimate) ? "-" : String.format(Locale.ROOT, "%.0f", estimate));
  }
}
