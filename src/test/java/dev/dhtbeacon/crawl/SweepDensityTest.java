package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SweepDensityTest {
  /** A grid cell of the whole keyspace: 2^152 ids. */
  private static final Int192 CELL = Int192.ONE.shiftLeft(152);

  private static Int192 cell(int c) {
    return CELL.multiply(Int192.valueOf(c));
  }

  @Test
  void onlyWholeCellsInsideTheRangeAreCounted() {
    SweepDensity d = new SweepDensity(Arc.full(), 1e40);
    for (int i = 0; i < 10; i++) {
      d.added(cell(3).add(Int192.valueOf(i)));   // 10 in cell 3
      d.added(cell(4).add(Int192.valueOf(i)));   // 10 in cell 4
      d.added(cell(255).add(Int192.valueOf(i))); // 10 in the last cell
    }
    assertEquals(20, d.knownInCellsWithin(cell(3), cell(5).subtract(Int192.ONE)));
    assertEquals(10, d.knownInCellsWithin(cell(3).add(Int192.ONE), cell(5).subtract(Int192.ONE)),
        "cell 3 is not wholly inside");
    assertEquals(10, d.knownInCellsWithin(cell(3), cell(5).subtract(Int192.valueOf(2))),
        "nor is cell 4");
    assertEquals(0, d.knownInCellsWithin(cell(3).add(Int192.ONE), cell(4)), "no whole cell");
    assertEquals(30, d.knownInCellsWithin(Int192.ZERO, Arc.KEYSPACE.subtract(Int192.ONE)));
    assertEquals(10, d.knownInCellsWithin(cell(255), Arc.KEYSPACE.subtract(Int192.ONE)));
  }
}
