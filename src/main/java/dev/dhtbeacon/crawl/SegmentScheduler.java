package dev.dhtbeacon.crawl;

import dev.dhtbeacon.routing.Contact;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Decides which nodes of a sweep may be asked now. Order matters within a stretch of keyspace
 * (each reply tells what comes next), so the arc is cut into equal segments walked side by
 * side, each with at most {@value #PER_SEGMENT} queries going at once and none further than
 * {@value #WINDOW_SPACINGS} spacings ahead of its lowest unanswered one. A query unanswered
 * after a few round trips no longer holds its segment up: it is most likely dead. Segments give
 * the parallelism that round trips on the Internet need: one per
 * {@value #NODES_PER_SEGMENT} expected nodes, up to 256.
 *
 * <p>A pick visits only the segments where something happened since they were last looked
 * at (an entry finished, a node was added), and every segment once per
 * {@value #FULL_SCAN_NANOS} ns for what time alone changes (a query gone stale, an IP's token,
 * a deferred node's time): walking all of them for every reply was half of the event loop's
 * work in an uncapped sweep. Loop-confined.
 */
final class SegmentScheduler {
  static final int PER_SEGMENT = 4;
  static final double WINDOW_SPACINGS = 16;
  static final double NODES_PER_SEGMENT = 256;
  private static final int SCAN_LIMIT = 256;
  static final long FULL_SCAN_NANOS = 5_000_000L;

  private final SweepTable table;
  private final SweepTargets targets;
  private final CrawlRateLimiter limiter;
  private final int segments;
  /** Entries handed out and not finished, by position. */
  private final TreeMap<Int192, SweepTable.Entry> active = new TreeMap<>();
  /** Segments to visit at the next pick. */
  private final BitSet changed = new BitSet();
  private long lastFullScan;
  private boolean scanned;

  SegmentScheduler(SweepTable table, SweepTargets targets, CrawlRateLimiter limiter,
      int segments) {
    this.table = table;
    this.targets = targets;
    this.limiter = limiter;
    this.segments = segments;
    table.segments().cut(segments);
  }

  /**
   * How many segments: one per {@value #NODES_PER_SEGMENT} nodes expected, a power of two, at
   * most 256 and at most what the in-flight cap can feed.
   */
  static int segmentsFor(double expectedNodes, int maxInFlight) {
    double wanted = Math.min(Math.min(256, Math.max(1, maxInFlight / PER_SEGMENT)),
        Math.max(1, expectedNodes / NODES_PER_SEGMENT));
    return Integer.highestOneBit((int) wanted);
  }

  int count() {
    return segments;
  }

  /**
   * Takes up to {@code room} entries from the table (lowest first in each segment), skipping
   * those {@code usable} refuses and passing over those whose IP has no token now.
   *
   * @param settleNanos how long an unanswered query holds its segment up
   */
  List<SweepTable.Entry> pick(int room, long nowNanos, long nowMillis, long settleNanos,
      Predicate<Contact> usable) {
    List<SweepTable.Entry> picked = new ArrayList<>();
    Predicate<SweepTable.Entry> ipFree =
        x -> limiter.ipWait(x.contact.address().getAddress()) == 0;
    if (!scanned || nowNanos - lastFullScan >= FULL_SCAN_NANOS) {
      scanned = true;
      lastFullScan = nowNanos;
      changed.set(0, segments);
    }
    for (int seg = changed.nextSetBit(0); seg >= 0 && picked.size() < room;
        seg = changed.nextSetBit(seg + 1)) {
      changed.clear(seg);
      int busy = 0;
      Int192 lowest = null;
      for (Iterator<SweepTable.Entry> it = active.subMap(table.segments().start(seg),
          table.segments().end(seg)).values().iterator(); it.hasNext(); ) {
        SweepTable.Entry x = it.next();
        if (x.status == SweepTable.Status.IN_FLIGHT && nowNanos - x.sentNanos > settleNanos) {
          // Stale for good (its send time does not change): forget it here, or every pick
          // walks past each dead node until its query times out.
          it.remove();
        } else {
          busy++;
          lowest = lowest == null ? x.position : lowest;
        }
      }
      while (busy < PER_SEGMENT && picked.size() < room) {
        SweepTable.Entry e = table.nextPending(seg, nowMillis, ipFree, SCAN_LIMIT,
            targets);
        if (e == null) {
          break;
        }
        if (!usable.test(e.contact)) {
          table.skip(e);
          continue;
        }
        if (lowest != null && e.position.subtract(lowest).doubleValue()
            > WINDOW_SPACINGS * table.spacing()) {
          // Far ahead of what this segment still asks: let the replies from below come first
          // (far seeds stay for when the chain of replies breaks).
          break;
        }
        table.take(e);
        active.put(e.position, e);
        picked.add(e);
        busy++;
        lowest = lowest == null ? e.position : lowest;
      }
      if (picked.size() >= room) {
        changed.set(seg);  // stopped for want of room, not of work
      }
    }
    return picked;
  }

  /** The entry is finished (or back in the table): it no longer holds its segment. */
  void done(SweepTable.Entry e) {
    active.remove(e.position);
    changed.set(table.segments().of(e.position));
  }

  /** A node was added to the table at {@code position}: its segment may have work. */
  void added(Int192 position) {
    changed.set(table.segments().of(position));
  }
}
