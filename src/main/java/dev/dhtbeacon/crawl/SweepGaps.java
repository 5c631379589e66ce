package dev.dhtbeacon.crawl;

import dev.dhtbeacon.crawl.SweepTable.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Gaps of a sweep: stretches of the arc between known maybe-live nodes wider than the spacing
 * says they should be, where nodes may hide. {@link SweepTargets} aims queries at them; this
 * finds them and counts the probes each got (a gap is probed at most
 * {@value #MAX_GAP_PROBES} times: its middle, then its quarters). Loop-confined.
 */
final class SweepGaps {
  static final int MAX_GAP_PROBES = 3;
  static final int GAP_SCAN_EVERY = 32;
  static final double GAP_SCAN_SLACK = 64;

  private final SweepTable table;
  private final Map<Int192, Integer> gapProbes = new HashMap<>();
  private final Map<Int192, GapScan> gapScans = new HashMap<>();

  SweepGaps(SweepTable table) {
    this.table = table;
  }

  /**
   * Widest gap over {@code minWidth} among the {@value SweepTargets#WINDOW} maybe-live nodes
   * below {@code e}.
   */
  Int192[] below(Entry e, double minWidth) {
    List<Int192> edges = maybeLiveBelow(e);
    if (edges.size() < SweepTargets.WINDOW && table.horizonFor(e.position).signum() == 0) {
      // Below the horizon nodes were dropped, not missing: only the segment's start is an edge.
      edges.add(0, table.segmentStart(e.position));
    }
    edges.add(e.position);
    return widest(edges, minWidth);
  }

  /**
   * The positions of the {@value SweepTargets#WINDOW} maybe-live nodes nearest below
   * {@code e} in its segment, lowest first (fewer if the segment holds fewer).
   *
   * <p>Not below the segment's start: that stretch is another segment's, whose front may not
   * have come yet, so it looks like one wide gap, and the nodes just above the start, which are
   * the ones that know their own neighbourhood, were each spent on probing it. On 2 000-node
   * testnets with refreshed tables, the live nodes a sweep missed were then often just above a
   * segment's start, in the tables of dozens of nodes the sweep had asked, about the stretch
   * below.
   */
  private List<Int192> maybeLiveBelow(Entry e) {
    List<Int192> edges = new ArrayList<>();
    for (Entry x : table.byPosition().subMap(table.segmentStart(e.position), true, e.position,
        false).descendingMap().values()) {
      if (x.status.maybeLive()) {
        edges.add(0, x.position);
        if (edges.size() >= SweepTargets.WINDOW) {
          break;
        }
      }
    }
    return edges;
  }

  /**
   * Widest gap over {@code minWidth} among {@value SweepTargets#WINDOW} maybe-live nodes on
   * either side.
   */
  Int192[] around(Entry e, double minWidth) {
    List<Int192> edges = maybeLiveBelow(e);
    edges.add(e.position);
    int above = 0;
    for (Entry x : table.byPosition().tailMap(e.position, false).values()) {
      if (x.status.maybeLive()) {
        edges.add(x.position);
        if (++above >= SweepTargets.WINDOW) {
          break;
        }
      }
    }
    return widest(edges, minWidth);
  }

  private Int192[] widest(List<Int192> edges, double minWidth) {
    Int192[] best = null;
    double bestWidth = minWidth;
    for (int i = 1; i < edges.size(); i++) {
      double width = edges.get(i).subtract(edges.get(i - 1)).doubleValue();
      if (width > bestWidth && gapProbes.getOrDefault(edges.get(i - 1), 0) < MAX_GAP_PROBES) {
        best = new Int192[] {edges.get(i - 1), edges.get(i)};
        bestWidth = width;
      }
    }
    return best;
  }

  /**
   * The widest gap over {@code minWidth} between maybe-live nodes in {@code [lo, hi)} still
   * open to probes. Finding gaps walks the whole range, and this runs for every pick, so the
   * gaps found are kept for {@value #GAP_SCAN_EVERY} picks in that range (or until {@code hi}
   * moves {@value #GAP_SCAN_SLACK} spacings): a cached gap that a reply has filled since is
   * recognised and dropped on use.
   */
  Int192[] widestOpen(Int192 lo, Int192 hi, double minWidth) {
    GapScan scan = gapScans.get(lo);
    if (scan == null || ++scan.uses > GAP_SCAN_EVERY
        || hi.subtract(scan.hi).abs().doubleValue() > GAP_SCAN_SLACK * table.spacing()) {
      scan = new GapScan(hi, gapsIn(lo, hi, minWidth));
      gapScans.put(lo, scan);
    }
    for (Iterator<Int192[]> it = scan.gaps.iterator(); it.hasNext(); ) {
      Int192[] gap = it.next();
      if (gapProbes.getOrDefault(gap[0], 0) >= MAX_GAP_PROBES || filled(gap)) {
        it.remove();
      } else {
        return gap;
      }
    }
    return null;
  }

  /** Every gap over {@code minWidth} between maybe-live nodes in {@code [lo, hi)}, widest first. */
  private List<Int192[]> gapsIn(Int192 lo, Int192 hi, double minWidth) {
    List<Int192[]> gaps = new ArrayList<>();
    Int192 previous = lo.max(table.horizonFor(lo));
    for (Entry x : table.byPosition().subMap(lo, true, hi, false).values()) {
      if (x.status.maybeLive()) {
        if (x.position.subtract(previous).doubleValue() > minWidth) {
          gaps.add(new Int192[] {previous, x.position});
        }
        previous = previous.max(x.position);
      }
    }
    if (hi.subtract(previous).doubleValue() > minWidth) {
      gaps.add(new Int192[] {previous, hi});
    }
    gaps.sort((a, b) -> b[1].subtract(b[0]).compareTo(a[1].subtract(a[0])));
    return gaps;
  }

  /** Whether a maybe-live node has been learnt inside {@code gap} since it was found. */
  private boolean filled(Int192[] gap) {
    for (Entry x : table.byPosition().subMap(gap[0], false, gap[1], false).values()) {
      if (x.status.maybeLive()) {
        return true;
      }
    }
    return false;
  }

  /** The gaps of one range of the arc, as last scanned. */
  private static final class GapScan {
    final Int192 hi;
    final List<Int192[]> gaps;
    int uses;

    GapScan(Int192 hi, List<Int192[]> gaps) {
      this.hi = hi;
      this.gaps = gaps;
    }
  }

  /** The middle of a gap on its first probe, then its lower and upper quarter. */
  Int192 pointIn(Int192[] gap) {
    if (gapProbes.size() > SweepTargets.MAX_REMEMBERED_PROBES) {
      gapProbes.clear();
    }
    int n = gapProbes.merge(gap[0], 1, Integer::sum) - 1;
    Int192 width = gap[1].subtract(gap[0]);
    return n == 0 ? gap[0].add(width.shiftRight(1))
        : n == 1 ? gap[0].add(width.shiftRight(2)) : gap[1].subtract(width.shiftRight(2));
  }
}
