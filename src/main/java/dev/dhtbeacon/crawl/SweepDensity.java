package dev.dhtbeacon.crawl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
   * the spacing is measured again over the middle half of the last {@value #SPACING_WINDOW}.
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
    List<Int192> sorted = new ArrayList<>(recentTaken);
    sorted.sort(null);
    Int192 q1 = sorted.get(sorted.size() / 4);
    Int192 q3 = sorted.get(sorted.size() * 3 / 4);
    double count = knownBetween(q1, q3, known);
    if (count >= 8) {
      measuredSpacing = q3.subtract(q1).doubleValue() / count;
    }
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
    int sum = 0;
    for (int c = first; c <= last; c++) {
      sum += grid[c];
    }
    return sum;
  }

  private Int192 cellStart(int cell) {
    return Int192.valueOf(cell).shiftLeft(arc.span().bitLength() - 1 - 8);
  }

  /** Nodes ever known in grid cell {@code cell}, dropped ones included. */
  int count(int cell) {
    return grid[cell];
  }

  /**
   * Nodes known in [from, to). Over a short stretch, counted entry by entry; over two grid
   * cells or more (segments walked side by side spread the recent picks over the whole arc,
   * and counting a sub-map walks its range) read from the grid, pro rata in the end cells,
   * which also counts the nodes dropped from memory there.
   */
  private double knownBetween(Int192 from, Int192 to,
      NavigableMap<Int192, ?> known) {
    int first = cell(from);
    int last = cell(to);
    if (last - first < 2) {
      return known.subMap(from, true, to, false).size();
    }
    double width = arc.span().doubleValue() / GRID;
    double sum = grid[first] * ((first + 1) * width - from.doubleValue()) / width
        + grid[last] * (to.doubleValue() - last * width) / width;
    for (int c = first + 1; c < last; c++) {
      sum += grid[c];
    }
    return sum;
  }
}
