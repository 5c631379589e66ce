package dev.dhtbeacon.crawl;

import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The nodes one sweep knows, ordered by their position along its {@link Arc}, and the order in
 * which they are asked. {@link SweepTargets} decides what each is asked for.
 *
 * <p><b>Order.</b> The next node is the lowest-positioned one not asked yet (per segment, when
 * the sweep walks several segments side by side), so the sweep moves upward; an entry is handed
 * out once and never returns to pending, except when a send failed before anything left the
 * socket or the database says its BEP 51 interval has not passed.
 *
 * <p><b>Held-back nodes.</b> A fixed share of nodes, picked by bits of their id that have
 * nothing to do with their position, is held back: {@value #LAGGING_SHARE} of them until the
 * sweep has moved {@value #LAG_SPACINGS} spacings past them (they then fill gaps that the front
 * left behind, with everything around them known), and {@value #LAST_SHARE} until it has moved
 * {@value #LAST_LAG_SPACINGS} spacings past them or nothing else waits (they then aim at
 * whatever wide gap remains there). Each is still asked exactly once.
 *
 * <p><b>Spacing</b> (the mean distance between neighbouring nodes) is measured where the sweep
 * has just been: between the quartiles of the last {@value #SPACING_WINDOW} positions handed
 * out, over the nodes known there; the caller's guess stands in until then.
 *
 * <p><b>Memory.</b> Past {@code maxEntries}, finished entries behind the cursor are dropped and
 * the positions below the highest dropped one (the horizon) ignored from then on; what they said
 * is already in the database. Loop-confined, not thread-safe.
 */
final class SweepTable {
  /** Where an entry stands in this sweep. */
  enum Status {
    PENDING, ADMITTING, READY, IN_FLIGHT, ANSWERED, FAILED, SKIPPED, MISMATCH, UNSELECTED;

    boolean finished() {
      return ordinal() >= ANSWERED.ordinal();
    }

    /** Whether the entry may be a live node (it answered or was not asked yet). */
    boolean maybeLive() {
      return this != FAILED && this != SKIPPED && this != MISMATCH;
    }
  }

  /** Which queue an asked-once entry waits in. */
  enum Role { FRONT, LAGGING, LAST }

  /** One known node. */
  static final class Entry {
    final Contact contact;
    final Int192 position;
    final Role role;
    Status status = Status.PENDING;
    /** 1 supports BEP 51, 0 does not, -1 unknown. */
    int bep51 = -1;
    long notBeforeMillis;
    long sentNanos;
    /**
     * Unanswered after a retransmission timeout ({@link InFlight}): most likely dead, it no
     * longer counts against the cap on queries in flight.
     */
    boolean overdue;
    int sendRetries;
    /** How many replies named this node after it was first heard of. */
    int mentions;
    /** A position {@link SweepTargets} chose for it when it was picked, or null. */
    Int192 aim;
    /** What it was asked for, once sent. */
    NodeId target;
    /** Some answer described the block it sits in ({@link SweepCoverage}). */
    boolean described;
    /** A query in flight aims at its cell. */
    boolean claimed;
    /** The cell its own query aims at, while in flight, or null. */
    SweepTargets.Block claim;

    Entry(Contact contact, Int192 position, Role role) {
      this.contact = contact;
      this.position = position;
      this.role = role;
    }
  }

  static final double LAGGING_SHARE = 0.15;
  static final double LAST_SHARE = 0.05;
  static final int LAG_SPACINGS = 32;
  /** The last held-back nodes go once the front is this far past them, or at the end. */
  static final int LAST_LAG_SPACINGS = 256;

  private final Arc arc;
  private final int maxEntries;
  private final SweepDensity density;
  private final TreeMap<Int192, Entry> entries = new TreeMap<>();
  private final Map<Role, TreeMap<Int192, Entry>> waiting = new EnumMap<>(Role.class);
  private final SweepSegments segments;
  private long found;
  private long ignored;

  /**
   * @param guessedSpacing expected distance between neighbours in positions (ids), used until
   *     the sweep has measured its own
   */
  SweepTable(Arc arc, double guessedSpacing, int maxEntries) {
    if (!(guessedSpacing > 0) || maxEntries < 16) {
      throw new IllegalArgumentException("spacing " + guessedSpacing + ", max entries "
          + maxEntries);
    }
    this.arc = arc;
    this.density = new SweepDensity(arc, guessedSpacing);
    this.maxEntries = maxEntries;
    this.segments = new SweepSegments(arc);
    for (Role r : Role.values()) {
      waiting.put(r, new TreeMap<>());
    }
  }

  /** How many entries it keeps before dropping finished ones behind the cursor. */
  int maxEntries() {
    return maxEntries;
  }

  /** The segments walked side by side, with their cursors and horizons. */
  SweepSegments segments() {
    return segments;
  }

  /** The start of the segment holding {@code position}. */
  Int192 segmentStart(Int192 position) {
    return segments.start(segments.of(position));
  }

  /** The horizon of the segment holding {@code position} (0 if nothing was dropped there). */
  Int192 horizonFor(Int192 position) {
    Int192 h = segments.horizonAt(position);
    return h == null ? Int192.ZERO : h;
  }

  Arc arc() {
    return arc;
  }

  /**
   * Adds a node heard of, unless it is outside the arc, behind the horizon or known (then it
   * only counts a mention).
   *
   * @param askable false for a node to remember (it fills gaps) but never ask
   * @return the new entry, or null
   */
  Entry add(Contact contact, boolean askable) {
    Int192 position = arc.positionOrNull(contact.id());
    if (position == null) {
      return null;
    }
    Entry known = entries.get(position);
    if (known != null) {
      known.mentions++;
      return null;
    }
    Int192 horizon = segments.horizonAt(position);
    if ((horizon != null && position.compareTo(horizon) <= 0)
        || entries.size() >= 2 * maxEntries) {
      ignored++;
      return null;
    }
    Entry e = new Entry(contact, position, askable ? roleOf(contact.id()) : Role.FRONT);
    entries.put(position, e);
    density.added(position);
    found++;
    if (askable) {
      waiting.get(e.role).put(position, e);
    } else {
      e.status = Status.UNSELECTED;
    }
    return e;
  }

  /** Restores an entry from a saved sweep with its status (finished ones are not asked). */
  Entry restore(Contact contact, Status status, int bep51) {
    Entry e = add(contact, status == Status.PENDING);
    if (e != null) {
      if (status != Status.PENDING) {
        e.status = status;
      }
      e.bep51 = bep51;
    }
    return e;
  }

  /** Held back or not, from id bits 128..143, which say nothing about the position. */
  private static Role roleOf(NodeId id) {
    byte[] b = id.bytes();
    double coin = (((b[16] & 0xff) << 8) | (b[17] & 0xff)) / 65536.0;
    return coin < LAGGING_SHARE ? Role.LAGGING
        : coin < LAGGING_SHARE + LAST_SHARE ? Role.LAST : Role.FRONT;
  }

  /**
   * The next entry to ask in segment {@code segment} (see {@link SweepSegments}): a lagging entry
   * the front has left {@value #LAG_SPACINGS} spacings behind, else the lowest front entry,
   * else (once nothing else waits anywhere) a last one, chosen by {@code lastPicker}. Only
   * entries whose {@code notBeforeMillis} passed and that {@code ok} accepts count; at most
   * {@code scanLimit} are looked at per queue.
   */
  Entry nextPending(int segment, long nowMillis, Predicate<Entry> ok, int scanLimit,
      LastPicker lastPicker) {
    Int192 lo = segments.start(segment);
    Int192 hi = segments.end(segment);
    Entry front = first(waiting.get(Role.FRONT).subMap(lo, true, hi, false), nowMillis, ok,
        scanLimit);
    double lag = LAG_SPACINGS * spacing();
    int looked = 0;
    for (Entry r : waiting.get(Role.LAGGING).subMap(lo, true, hi, false).values()) {
      if (front != null && front.position.subtract(r.position).doubleValue() < lag
          || looked++ >= scanLimit) {
        break;
      }
      if (r.notBeforeMillis <= nowMillis && ok.test(r)) {
        return r;
      }
    }
    NavigableMap<Int192, Entry> last = waiting.get(Role.LAST).subMap(lo, true, hi, false);
    if (front != null && !none(last)
        && front.position.subtract(last.firstKey()).doubleValue() > LAST_LAG_SPACINGS * spacing()) {
      // Far behind the front: its region is done, so memory need not hold it any longer.
      Entry aimed = lastPicker.pick(lo, front.position, last.headMap(front.position, false));
      Entry l = aimed != null ? aimed : last.firstEntry().getValue();
      if (l.notBeforeMillis <= nowMillis && ok.test(l)) {
        return l;
      }
    }
    if (front != null || !waiting.get(Role.FRONT).isEmpty()
        || !waiting.get(Role.LAGGING).isEmpty()) {
      return front;
    }
    if (none(last)) {
      return null;
    }
    Entry aimed = lastPicker.pick(lo, hi, last);
    if (aimed != null && aimed.notBeforeMillis <= nowMillis && ok.test(aimed)) {
      return aimed;
    }
    return first(last, nowMillis, ok, scanLimit);
  }

  /** Chooses which held-back entry goes when only those are left, and aims it; or null. */
  interface LastPicker {
    Entry pick(Int192 lo, Int192 hi, NavigableMap<Int192, Entry> last);
  }

  private static Entry first(Map<Int192, Entry> map, long nowMillis, Predicate<Entry> ok,
      int scanLimit) {
    int scanned = 0;
    for (Entry e : map.values()) {
      if (scanned++ >= scanLimit) {
        return null;
      }
      if (e.notBeforeMillis <= nowMillis && ok.test(e)) {
        return e;
      }
    }
    return null;
  }

  /** Hands an entry out for asking: it leaves its queue and the cursor moves up to it. */
  void take(Entry e) {
    waiting.get(e.role).remove(e.position);
    e.status = Status.ADMITTING;
    density.taken(e.position, entries);
    segments.advanceCursor(e.position);
  }

  /** Puts an entry back in its queue, to be asked no sooner than {@code notBeforeMillis}. */
  void defer(Entry e, long notBeforeMillis) {
    e.status = Status.PENDING;
    e.notBeforeMillis = notBeforeMillis;
    waiting.get(e.role).put(e.position, e);
  }

  /** Ends an entry without asking it (failed twice before, address not allowed, ...). */
  void skip(Entry e) {
    waiting.get(e.role).remove(e.position);
    e.status = Status.SKIPPED;
  }

  boolean hasPending() {
    for (TreeMap<Int192, Entry> q : waiting.values()) {
      if (!q.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** The earliest time a deferred waiting entry may be asked, or Long.MAX_VALUE. */
  long earliestNotBefore() {
    long min = Long.MAX_VALUE;
    for (TreeMap<Int192, Entry> q : waiting.values()) {
      for (Entry e : q.values()) {
        min = Math.min(min, e.notBeforeMillis);
      }
    }
    return min;
  }

  /** Average distance between neighbouring nodes, in positions. */
  double spacing() {
    return density.spacing();
  }

  /** All entries by position (read-only use). */
  NavigableMap<Int192, Entry> byPosition() {
    return entries;
  }

  /** The arc's density: the grid of nodes ever known and the measured spacing. */
  SweepDensity density() {
    return density;
  }

  /**
   * The middles of the {@code max} widest gaps between known nodes wider than
   * {@code minSpacings} spacings, widest first, as ids.
   */
  List<NodeId> widestGaps(int max, double minSpacings) {
    double threshold = minSpacings * spacing();
    PriorityQueue<Int192[]> widest = new PriorityQueue<>((a, b) -> a[0].compareTo(b[0]));
    Int192 previous = horizon();
    List<Int192> edges = new ArrayList<>(entries.keySet());
    edges.add(arc.span());
    for (Int192 p : edges) {
      Int192 gap = p.subtract(previous);
      if (gap.doubleValue() > threshold) {
        widest.add(new Int192[] {gap, previous.add(p).shiftRight(1)});
        if (widest.size() > max) {
          widest.poll();
        }
      }
      previous = p;
    }
    List<NodeId> out = new ArrayList<>();
    while (!widest.isEmpty()) {
      out.add(0, arc.idAt(widest.poll()[1]));
    }
    return out;
  }

  /**
   * Drops finished entries well behind each segment's front (its lowest entry still waiting or
   * being asked, bar the last held-back ones, less {@value #LAG_SPACINGS} spacings) until the
   * table is back under 90% of its size limit; later additions at or below the highest dropped
   * position of that segment are ignored.
   *
   * @return how many were dropped
   */
  int flushIfFull() {
    if (entries.size() <= maxEntries) {
      return 0;
    }
    int count = 0;
    int target = maxEntries * 9 / 10;
    Int192 margin = Int192.ofDistance(LAG_SPACINGS * spacing());
    for (int seg = 0; seg < segments.count() && entries.size() > target; seg++) {
      Int192 lo = segments.start(seg);
      Int192 hi = segments.end(seg);
      Int192 front = hi;
      for (Entry e : entries.subMap(lo, true, hi, false).values()) {
        if (!e.status.finished() && e.role != Role.LAST) {
          front = e.position;
          break;
        }
      }
      Int192 limit = front.subtract(margin);
      if (limit.compareTo(lo) <= 0) {
        continue;
      }
      for (Iterator<Entry> it = entries.subMap(lo, true, limit, false).values().iterator();
          it.hasNext() && entries.size() > target; ) {
        Entry e = it.next();
        if (e.status.finished()) {
          // The grid keeps counting it: a region swept and dropped is not an empty region.
          it.remove();
          segments.raiseHorizon(seg, e.position);
          count++;
        }
      }
    }
    return count;
  }

  /**
   * A position just above the cursor of a segment that has stalled (nothing waits in it, yet
   * its cursor is more than {@code reach} from its end), or null. A sweep stalls there when the
   * chain of replies that leads it upward breaks; any node can restart it, since every routing
   * table holds some nodes of every large region.
   */
  Int192 stalled(int segment, double reach) {
    Int192 lo = segments.start(segment);
    Int192 hi = segments.end(segment);
    if (!none(waiting.get(Role.FRONT).subMap(lo, true, hi, false))
        || !none(waiting.get(Role.LAGGING).subMap(lo, true, hi, false))) {
      return null;
    }
    Int192 from = segments.cursor(segment).max(lo);
    Int192 next = entries.higherKey(from);
    if (next != null && next.compareTo(hi) < 0) {
      from = entries.subMap(from, true, hi, false).lastKey();
    }
    if (hi.subtract(from).doubleValue() <= reach) {
      return null;
    }
    return from.add(Int192.ofDistance(2 * spacing()));
  }

  /**
   * Whether a map holds nothing. For a {@link TreeMap} sub-map view {@code isEmpty()} counts
   * the whole range (it is {@code size() == 0}); {@code firstEntry()} is one descent.
   */
  static boolean none(NavigableMap<?, ?> view) {
    return view.firstEntry() == null;
  }

  /** The lowest segment horizon: everything below it was dropped from memory. */
  Int192 horizon() {
    return segments.lowestHorizon();
  }

  /** Distinct nodes this sweep has heard of (dropped ones included). */
  long found() {
    return found;
  }

  /** Nodes heard of too late (behind the horizon) or with the table over its hard limit. */
  long ignored() {
    return ignored;
  }

  int size() {
    return entries.size();
  }
}
