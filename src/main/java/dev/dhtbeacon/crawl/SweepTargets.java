package dev.dhtbeacon.crawl;

import dev.dhtbeacon.crawl.SweepTable.Entry;
import dev.dhtbeacon.routing.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;

/**
 * What each node of a sweep is asked for. A node answers with the 8 nodes of its routing table
 * closest (by XOR) to the target, and is asked once, so the target decides which part of the
 * keyspace its single answer sheds light on. In order of precedence, with s the spacing:
 *
 * <ol>
 *   <li>a node with fewer than two nodes known within 3s is asked about its own neighbourhood
 *       (its id with the low ⌊log₂ s⌋ bits random): nobody has described that part yet;
 *   <li>while some region of the keyspace large enough for about 64 nodes has no known node,
 *       or some segment has stalled (nothing waits in it short of its end), one node in 32 is
 *       asked about it: the sweep could never walk into it otherwise, and every routing table
 *       holds a few nodes of each large region;
 *   <li>a node at the front (nothing known within 8s above it) is asked for the id 6s above
 *       itself, which names the nodes that come next (further than one answer's 8 nodes need:
 *       the step also reaches past small groups of nodes that few outside know, as in young
 *       routing tables);
 *   <li>otherwise, a thin block beside it, twice at most: a sibling subtree of one of its
 *       ancestors, wide enough for 16 nodes, that the walk has passed and where far fewer
 *       nodes are known than its width implies, at a random id in its thinnest part
 *       ({@link SweepThinBlocks}); its siblings know it best;
 *   <li>the neighbourhood of the lowest node within 8s that sits in no block an
 *       answer has described yet, where its own table is complete ({@link SweepCoverage}):
 *       however often that node was named, its neighbours may not have been;
 *   <li>an empty block beside it (a sibling subtree of one of its ancestors, at
 *       least s wide, with no node known that may be alive, probed fewer than twice) is probed
 *       at a random id inside: such a block whose neighbours are full is where a whole group of
 *       nodes that only know each other hides, and its sibling knows it best;
 *   <li>the widest gap (over 4s) among the 16 known nodes below it, probed fewer than three
 *       times, at its middle, then its quarters;
 *   <li>the neighbourhood of the least-named node among its 8 nearest known ones, if that one
 *       was named at most 3 times (its surroundings are the least described);
 *   <li>the id 6s above itself.
 * </ol>
 *
 * Lagging held-back nodes use the widest gap (over 2s) among the 16 known nodes on either side
 * at rule 7. The last held-back nodes are handed out by {@link #pick}: nearest (sharing the
 * longest id prefix) to the widest remaining gap over 6s, aimed at it; when no such gap is
 * left, they take rules 4 and 5, probe an empty block beside them or the least-named
 * neighbour, else their own neighbourhood.
 *
 * <p>The thresholds were tuned on simulated keyspaces and on converged 2 000-node loopback
 * testnets, with tables as the joins leave them (a median of 23 entries, few outside a node's
 * own neighbourhood, which is what the probes make up for) and after every bucket was
 * refreshed once (a median of 70). Loop-confined, not thread-safe.
 */
final class SweepTargets implements SweepTable.LastPicker {
  static final double STEP = 6;
  static final double FRONTIER = 8;
  static final double ISOLATED = 3;
  static final double EMPTY_BLOCK = 1;
  static final double GAP = 4;
  static final double LAG_GAP = 2;
  static final double END_GAP = 6;
  static final int WINDOW = 16;
  static final int MENTION_WINDOW = 4;
  static final int MENTION_MAX = 3;
  static final int MAX_BLOCK_PROBES = 2;
  static final int REGION_EVERY = 32;
  static final int MAX_REMEMBERED_PROBES = 100_000;
  /** Known nodes after which a block counts as occupied, whatever their state. */
  private static final int CROWDED = 32;

  /** An aligned block of ids: {@code [lo, lo + 2^sizeBits)}, a subtree of the keyspace. */
  record Block(Int192 lo, int sizeBits) {
    NodeId randomId(Random random) {
      return Arc.id(lo.or(Int192.random(sizeBits, random)));
    }
  }

  private final SweepTable table;
  private final Arc arc;
  private final Map<Block, Integer> blockProbes = new HashMap<>();
  private final SweepGaps gaps;
  private final SweepCoverage coverage;
  private final SweepThinBlocks thinBlocks;
  private final long[] regionProbedAt = new long[SweepDensity.GRID];
  private long calls;
  private long probes;
  private long steps;
  private long neighbourhoods;

  SweepTargets(SweepTable table) {
    this.table = table;
    this.arc = table.arc();
    this.gaps = new SweepGaps(table);
    this.coverage = new SweepCoverage(table, 2 * table.maxEntries());
    this.thinBlocks = new SweepThinBlocks(table);
    java.util.Arrays.fill(regionProbedAt, Long.MIN_VALUE / 2);
  }

  /** What to ask {@code e} for; see the class comment. */
  NodeId targetFor(Entry e, Random random) {
    e.target = choose(e, random);
    return e.target;
  }

  private NodeId choose(Entry e, Random random) {
    calls++;
    if (e.aim != null) {
      probes++;
      return arc.idAt(e.aim);
    }
    double s = table.spacing();
    if (e.role == SweepTable.Role.LAST) {
      return lastTarget(e, s, random);
    }
    if (isolated(e, ISOLATED * s)) {
      neighbourhoods++;
      return neighbourhood(e.contact.id(), random);
    }
    Int192 region = emptyRegion(random);
    if (region == null) {
      region = stalledSegment(s);
    }
    if (region != null) {
      probes++;
      return arc.idAt(region);
    }
    boolean front = atFront(e, FRONTIER * s);
    if (!front) {
      NodeId beside = besideTarget(e, s, random);
      if (beside != null) {
        return beside;
      }
    }
    Int192[] gap = e.role == SweepTable.Role.LAGGING ? gaps.around(e, LAG_GAP * s)
        : front ? null : gaps.below(e, GAP * s);
    if (gap != null) {
      probes++;
      return arc.idAt(gaps.pointIn(gap));
    }
    if (!front) {
      Entry least = leastNamed(e);
      if (least != null) {
        least.mentions += 8;
        neighbourhoods++;
        return neighbourhood(least.contact.id(), random);
      }
    }
    steps++;
    Int192 step = Int192.ofDistance(STEP * s);
    return arc.idAt(e.position.add(step).min(arc.span().subtract(Int192.ONE)));
  }

  private NodeId lastTarget(Entry e, double s, Random random) {
    NodeId beside = besideTarget(e, s, random);
    if (beside != null) {
      return beside;
    }
    Entry least = leastNamed(e);
    neighbourhoods++;
    if (least != null) {
      least.mentions += 8;
      return neighbourhood(least.contact.id(), random);
    }
    return neighbourhood(e.contact.id(), random);
  }

  /**
   * Rules 4 to 6, for a node outside the front and for the last held-back ones: a thin block
   * beside it, the neighbourhood of an undescribed node near it, an empty block beside it; or
   * null.
   */
  private NodeId besideTarget(Entry e, double s, Random random) {
    Block thin = thinBlocks.beside(e);
    if (thin != null) {
      probes++;
      return thin.randomId(random);
    }
    Entry x = coverage.undescribedNear(e, s);
    if (x != null) {
      neighbourhoods++;
      return neighbourhood(x.contact.id(), random);
    }
    Block b = emptyBlockBeside(e, EMPTY_BLOCK * s);
    return b == null ? null : probe(b, random);
  }

  private NodeId probe(Block b, Random random) {
    if (blockProbes.size() > MAX_REMEMBERED_PROBES) {
      blockProbes.clear();
    }
    blockProbes.merge(b, 1, Integer::sum);
    probes++;
    return b.randomId(random);
  }

  /** {@code id} with its low ⌊log₂ s⌋ bits random: next to it. */
  NodeId neighbourhood(NodeId id, Random random) {
    int bits = Math.max(0, Math.min(NodeId.BITS - arc.prefixBits(),
        Math.getExponent(table.spacing())));
    Int192 value = Arc.value(id);
    return Arc.id(value.shiftRight(bits).shiftLeft(bits).or(Int192.random(bits, random)));
  }

  /** Whether fewer than two maybe-live nodes are known within {@code reach} of {@code e}. */
  boolean isolated(Entry e, double reach) {
    Int192 r = Int192.ofDistance(reach);
    int near = 0;
    for (Entry x : table.byPosition()
        .subMap(e.position.subtract(r), true, e.position.add(r), true).values()) {
      if (x != e && x.status.maybeLive() && ++near >= 2) {
        return false;
      }
    }
    return true;
  }

  /** Whether no maybe-live node is known within {@code reach} above {@code e}. */
  boolean atFront(Entry e, double reach) {
    for (Entry x : table.byPosition().tailMap(e.position, false).values()) {
      if (x.status.maybeLive()) {
        return x.position.subtract(e.position).doubleValue() > reach;
      }
    }
    return true;
  }

  /** Just above the end of a stalled segment, one in {@value #REGION_EVERY} calls; or null. */
  private Int192 stalledSegment(double s) {
    if (calls % REGION_EVERY != 0) {
      return null;
    }
    for (int i = 0; i < table.segments().count(); i++) {
      int seg = (int) ((calls / REGION_EVERY + i) % table.segments().count());
      Int192 p = table.stalled(seg, FRONTIER * s);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /**
   * A random position in a region with no known node, large enough for about 64 nodes
   * (between a half and a 256th of the arc), not probed in the last {@value #REGION_EVERY}
   * calls; or null.
   */
  private Int192 emptyRegion(Random random) {
    double expected = arc.span().doubleValue() / table.spacing();
    int blocks = Integer.highestOneBit((int) Math.max(2, Math.min(SweepDensity.GRID,
        expected / 64)));
    int cells = SweepDensity.GRID / blocks;
    for (int b = 0; b < blocks; b++) {
      int known = 0;
      for (int c = b * cells; c < (b + 1) * cells; c++) {
        known += table.density().count(c);
      }
      if (known == 0 && calls - regionProbedAt[b * cells] > REGION_EVERY) {
        regionProbedAt[b * cells] = calls;
        int sizeBits = arc.span().bitLength() - 1 - Integer.numberOfTrailingZeros(blocks);
        return Int192.valueOf(b).shiftLeft(sizeBits).or(Int192.random(sizeBits, random));
      }
    }
    return null;
  }

  /**
   * The widest sibling subtree of one of {@code e}'s ancestors that lies in the arc, is at
   * least {@code minSize} wide, holds no maybe-live known node and was probed fewer than
   * {@value #MAX_BLOCK_PROBES} times; or null.
   */
  Block emptyBlockBeside(Entry e, double minSize) {
    Int192 id = Arc.value(e.contact.id());
    for (int level = arc.prefixBits(); level < NodeId.BITS; level++) {
      int sizeBits = NodeId.BITS - level - 1;
      if (Math.scalb(1.0, sizeBits) < minSize) {
        return null;
      }
      Int192 lo = id.shiftRight(sizeBits).flipBit(0).shiftLeft(sizeBits);
      Block block = new Block(lo, sizeBits);
      if (blockProbes.getOrDefault(block, 0) < MAX_BLOCK_PROBES && !holdsMaybeLive(lo, sizeBits)) {
        return block;
      }
    }
    return null;
  }

  private boolean holdsMaybeLive(Int192 lo, int sizeBits) {
    Int192 from = arc.position(lo);
    Int192 to = arc.position(lo.add(Int192.ONE.shiftLeft(sizeBits))
        .subtract(Int192.ONE));
    if (from.compareTo(to) <= 0 && to.compareTo(table.horizonFor(to)) <= 0) {
      return true;  // swept already, its entries dropped from memory
    }
    if (from.compareTo(to) <= 0 && table.density().knownInCellsWithin(from, to) >= CROWDED) {
      return true;  // crowded by the grid's count, no walk needed
    }
    NavigableMap<Int192, Entry> all = table.byPosition();
    if (from.compareTo(to) <= 0) {
      return liveOrCrowded(all.subMap(from, true, to, true), 0) < 0;
    }
    int seen = liveOrCrowded(all.tailMap(from, true), 0);
    return seen < 0 || liveOrCrowded(all.headMap(to, true), seen) < 0;
  }

  /**
   * Walks {@code map} from its start: -1 at the first maybe-live entry or once
   * {@value #CROWDED} entries (counting {@code seen} before) were passed, else how many were.
   * Never sizes the map: a sub-map view counts its whole range.
   */
  private static int liveOrCrowded(NavigableMap<Int192, Entry> map, int seen) {
    for (Entry x : map.values()) {
      if (x.status.maybeLive() || ++seen >= CROWDED) {
        return -1;
      }
    }
    return seen;
  }

  /**
   * The least-named of the nearest known nodes, if named at most {@value #MENTION_MAX}; not
   * below the start of {@code e}'s segment (see {@link SweepGaps#below}).
   */
  private Entry leastNamed(Entry e) {
    Entry least = null;
    int seen = 0;
    for (Entry x : table.byPosition().subMap(table.segmentStart(e.position), true, e.position,
        false).descendingMap().values()) {
      if (x.status.maybeLive() && (least == null || x.mentions < least.mentions)) {
        least = x;
      }
      if (++seen >= MENTION_WINDOW) {
        break;
      }
    }
    seen = 0;
    for (Entry x : table.byPosition().tailMap(e.position, false).values()) {
      if (x.status.maybeLive() && (least == null || x.mentions < least.mentions)) {
        least = x;
      }
      if (++seen >= MENTION_WINDOW) {
        break;
      }
    }
    return least != null && least.mentions <= MENTION_MAX ? least : null;
  }

  /**
   * Hands out, when only the last held-back nodes wait, the one nearest to the widest remaining
   * gap over {@value #END_GAP} spacings in {@code [lo, hi)}, aimed at it; null if no such gap.
   */
  @Override
  public Entry pick(Int192 lo, Int192 hi, NavigableMap<Int192, Entry> last) {
    Int192[] gap = gaps.widestOpen(lo, hi, END_GAP * table.spacing());
    if (gap == null) {
      return null;
    }
    Entry nearest = prefixNearest(last, gap[0].add(gap[1]).shiftRight(1));
    if (nearest != null) {
      nearest.aim = gaps.pointIn(gap);
    }
    return nearest;
  }

  /**
   * The entry sharing the longest id prefix with the id at {@code position} (ties: the
   * numerically nearest): the one whose routing table knows that spot best.
   */
  private Entry prefixNearest(NavigableMap<Int192, Entry> map, Int192 position) {
    if (SweepTable.none(map)) {
      return null;
    }
    Int192 id = Arc.value(arc.idAt(position));
    for (int sizeBits = 0; sizeBits <= NodeId.BITS - arc.prefixBits(); sizeBits++) {
      Int192 lo = id.shiftRight(sizeBits).shiftLeft(sizeBits);
      Int192 from = arc.position(lo);
      Int192 to = arc.position(lo.add(Int192.ONE.shiftLeft(sizeBits))
          .subtract(Int192.ONE));
      if (from.compareTo(to) > 0) {
        break;
      }
      // map may be a view of a narrower range: keep the bounds inside it.
      from = from.max(map.firstKey());
      to = to.min(map.lastKey());
      if (from.compareTo(to) > 0) {
        continue;
      }
      NavigableMap<Int192, Entry> in = map.subMap(from, true, to, true);
      if (!SweepTable.none(in)) {
        Map.Entry<Int192, Entry> below = in.floorEntry(position);
        Map.Entry<Int192, Entry> above = in.ceilingEntry(position);
        return below == null ? above.getValue() : above == null ? below.getValue()
            : position.subtract(below.getKey()).compareTo(above.getKey().subtract(position)) <= 0
                ? below.getValue() : above.getValue();
      }
    }
    Map.Entry<Int192, Entry> first = map.firstEntry();
    return first == null ? null : first.getValue();
  }

  /** Which parts of the keyspace answers have described. */
  SweepCoverage coverage() {
    return coverage;
  }

  /** Queries aimed at a gap, an empty block or region; at a neighbourhood; one step up. */
  long probes() {
    return probes;
  }

  long neighbourhoods() {
    return neighbourhoods;
  }

  long steps() {
    return steps;
  }
}
