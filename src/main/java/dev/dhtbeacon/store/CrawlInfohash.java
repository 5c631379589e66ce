package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDictionary;

/**
 * What the crawl database knows about one infohash seen in BEP 51 samples.
 *
 * @param reporters how many distinct nodes reported it: exact up to {@link #TRACKED} reporters
 *     (their id prefixes are kept to recognise repeats across sweeps), after that every report
 *     from a node not among the last {@value #TRACKED} tracked ones counts, so it can run high
 * @param recentReporters 8-byte id prefixes of the latest reporters, concatenated
 */
public record CrawlInfohash(long firstSeenMillis, long lastSeenMillis, long reporters,
    byte[] recentReporters) {
  /** Reporter prefixes remembered per infohash. */
  public static final int TRACKED = 16;
  static final int PREFIX = 8;

  /** This record after a report by the node whose id starts with {@code reporter}. */
  CrawlInfohash reportedBy(byte[] reporter, long nowMillis) {
    for (int at = 0; at + PREFIX <= recentReporters.length; at += PREFIX) {
      if (java.util.Arrays.equals(recentReporters, at, at + PREFIX, reporter, 0, PREFIX)) {
        return new CrawlInfohash(firstSeenMillis, nowMillis, reporters, recentReporters);
      }
    }
    int keep = Math.min(recentReporters.length, (TRACKED - 1) * PREFIX);
    byte[] recent = new byte[keep + PREFIX];
    System.arraycopy(reporter, 0, recent, 0, PREFIX);
    System.arraycopy(recentReporters, 0, recent, PREFIX, keep);
    return new CrawlInfohash(firstSeenMillis, nowMillis, reporters + 1, recent);
  }

  static CrawlInfohash first(byte[] reporter, long nowMillis) {
    return new CrawlInfohash(nowMillis, nowMillis, 1,
        java.util.Arrays.copyOf(reporter, PREFIX));
  }

  /** The bencoded form files of older versions hold (see {@link CrawlRecordCodec}). */
  BDictionary toBencode() {
    return BDictionary.builder().put("first", firstSeenMillis).put("last", lastSeenMillis)
        .put("n", reporters).put("by", recentReporters).build();
  }

  static CrawlInfohash fromBencode(BDictionary d) {
    Long first = d.integer("first");
    Long last = d.integer("last");
    Long n = d.integer("n");
    byte[] by = d.bytes("by");
    if (first == null || last == null || n == null || by == null) {
      throw new IllegalStateException("incomplete infohash entry");
    }
    return new CrawlInfohash(first, last, n, by);
  }
}
