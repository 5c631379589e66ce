package dev.dhtbeacon.crawl;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.NavigableMap;

/**
 * How densely a sweep's arc is populated, as the sweep sees it: a coarse grid of the nodes
 * ever known (dropped ones included: a region swept and dropped from memory is not an empty
 * region), and the spacing between neighbouring nodes, measured where the sweep has just been.
 * Loop-confined.
 */
final class SweepDensity {
  /** Cells of the grid, equal parts of the arc. */
  static final int GRID = 256;
  private static final int SPACING_WINDOW = 128;
  private static final int MEASURE_EVERY = 16;
  private static final int BELOW = 8;
  /**
   * The median of a sum of {@value #BELOW} exponential gaps of mean 1 (Gamma(8, 1)): ids
   * spread uniformly leave exponential gaps between neighbours.
   */
  private static final double MEDIAN_GAMMA_8 = 7.669;

  private final Arc arc;
  private final double guessedSpacing;
  private final int[] grid = new int[GRID];
  private final ArrayDeque<Int192> recentTaken = new ArrayDeque<>();
  private int takenSinceMeasure;
  private double measuredSpacing;

  /**
   * @param guessedSpacing expected distance between neighbours in positions (ids), used until
   *     the sweep has measured its own
   */
  SweepDensity(Arc arc, double guessedSpacing) {
    this.arc = arc;
    this.guessedSpacing = guessedSpacing;
  }

  /** A node became known at {@code position}. */
  void added(Int192 position) {
    grid[cell(position)]++;
  }

  /**
   * The sweep handed out the node at {@code position}; every {@value #MEASURE_EVERY} of them
   * the spacing is measured again over the last {@value #SPACING_WINDOW}: the median distance
   * from each to the {@value #BELOW}th known node below it, over the median of that distance
   * in spacings. Below a pick the sweep has been, so the nodes there are known; the stretch
   * between picks is not (segments walked side by side spread them over the whole arc, with
   * unexplored keyspace between them), and counting the nodes known there read the spacing
   * three to seven times too wide for the first half of a sweep.
   *
   * @param known the nodes known now, by position
   */
  void taken(Int192 position, NavigableMap<Int192, ?> known) {
    recentTaken.addLast(position);
    if (recentTaken.size() > SPACING_WINDOW) {
      recentTaken.removeFirst();
    }
    if (recentTaken.size() < SPACING_WINDOW / 2 || ++takenSinceMeasure < MEASURE_EVERY) {
      return;
    }
    takenSinceMeasure = 0;
    double[] reach = new double[recentTaken.size()];
    int n = 0;
    for (Int192 p : recentTaken) {
      Int192 below = nthBelow(known, p);
      if (below != null) {
        reach[n++] = p.subtract(below).doubleValue();
      }
    }
    if (n >= SPACING_WINDOW / 4) {
      Arrays.sort(reach, 0, n);
      measuredSpacing = reach[n / 2] / MEDIAN_GAMMA_8;
    }
  }

  /** The position of the {@value #BELOW}th node known below {@code p}, or null. */
  private static Int192 nthBelow(NavigableMap<Int192, ?> known, Int192 p) {
    int seen = 0;
    for (Int192 q : known.headMap(p, false).descendingKeySet()) {
      if (++seen == BELOW) {
        return q;
      }
    }
    return null;
  }

  /** Average distance between neighbouring nodes, in positions. */
  double spacing() {
    return measuredSpacing > 0 ? measuredSpacing : guessedSpacing;
  }

  int cell(Int192 position) {
    return position.shiftRight(arc.span().bitLength() - 1 - 8).intValue();
  }

  /**
   * Nodes ever known in the grid cells wholly inside [from, to] (positions, from ≤ to): a
   * lower bound on the nodes ever known there, read without walking the known nodes.
   */
  int knownInCellsWithin(Int192 from, Int192 to) {
    int first = cell(from);
    if (!from.equals(cellStart(first))) {
      first++;
    }
    int last = Math.min(GRID, cell(to.add(Int192.ONE))) - 1;
    return knownInCells(first, last);
  }

  /** Nodes ever known in grid cells {@code first} to {@code last}, both included. */
  int knownInCells(int first, int last) {
    int sum = 0;
    for (int c = first; c <= last; c++) {
      sum += grid[c];
    }
    return sum;
  }

  Int192 cellStart(int cell) {
    return Int192.valueOf(cell).shiftLeft(arc.span().bitLength() - 1 - 8);
  }

  /** Nodes ever known in grid cell {@code cell}, dropped ones included. */
  int count(int cell) {
    return grid[cell];
  }
}
