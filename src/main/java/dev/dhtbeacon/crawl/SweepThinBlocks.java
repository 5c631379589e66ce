package dev.dhtbeacon.crawl;

import dev.dhtbeacon.crawl.SweepTable.Entry;
import dev.dhtbeacon.crawl.SweepTargets.Block;
import dev.dhtbeacon.routing.NodeId;
import java.util.HashMap;
import java.util.Map;

/**
 * Blocks of the keyspace that a sweep has walked past yet knows far more thinly than their
 * width implies. In young routing tables a whole block of a few dozen nodes can be known mostly
 * to each other: the walk then steps over it with only a node or two of it named, and nothing
 * would bring it back. Ids spread uniformly put a Poisson count in a block, so a block expected
 * to hold λ nodes in which fewer than λ − 3√λ were ever known is one the sweep has missed, not
 * one that is empty. Its siblings' routing tables know it best, so a node beside it is asked
 * about it. Loop-confined.
 */
final class SweepThinBlocks {
  /** Nodes a block must be expected to hold before it can look thin. */
  static final double MIN_EXPECTED = 16;
  /** Probes one thin block gets. */
  static final int MAX_PROBES = 2;

  private final SweepTable table;
  private final Arc arc;
  private final Map<Block, Integer> probes = new HashMap<>();

  SweepThinBlocks(SweepTable table) {
    this.table = table;
    this.arc = table.arc();
  }

  /**
   * The thinnest part of the widest sibling subtree of one of {@code e}'s ancestors that is
   * thin ({@link #thinPart}) and was probed fewer than {@value #MAX_PROBES} times, counting
   * this probe; or null.
   */
  Block beside(Entry e) {
    Int192 id = Arc.value(e.contact.id());
    double s = table.spacing();
    for (int level = arc.prefixBits(); level < NodeId.BITS; level++) {
      int sizeBits = NodeId.BITS - level - 1;
      if (Math.scalb(1.0, sizeBits) / s < MIN_EXPECTED) {
        return null;
      }
      Block block = new Block(id.shiftRight(sizeBits).flipBit(0).shiftLeft(sizeBits), sizeBits);
      if (probes.getOrDefault(block, 0) < MAX_PROBES) {
        Block thin = thinPart(block);
        if (thin != null) {
          probes.merge(block, 1, Integer::sum);
          return thin;
        }
      }
    }
    return null;
  }

  /**
   * The thinnest grid cell of {@code block}, if the block is made of whole grid cells, the
   * walk has passed all of it and the grid counts fewer nodes ever known there than its width
   * implies by more than three standard deviations; else null. The cell is found by halving,
   * into the half with fewer known nodes.
   */
  Block thinPart(Block block) {
    Int192 from = arc.position(block.lo());
    Int192 to = from.add(Int192.ONE.shiftLeft(block.sizeBits())).subtract(Int192.ONE);
    SweepDensity density = table.density();
    int first = density.cell(from);
    int last = density.cell(to);
    double expected = Math.scalb(1.0, block.sizeBits()) / table.spacing();
    boolean wholeCells = from.equals(density.cellStart(first))
        && to.add(Int192.ONE).equals(density.cellStart(last + 1));
    if (expected < MIN_EXPECTED || !wholeCells || !walkedPast(from, to)
        || density.knownInCells(first, last) >= expected - 3 * Math.sqrt(expected)) {
      return null;
    }
    int sizeBits = block.sizeBits();
    while (last > first) {
      int mid = (first + last + 1) / 2;
      if (density.knownInCells(first, mid - 1) <= density.knownInCells(mid, last)) {
        last = mid - 1;
      } else {
        first = mid;
      }
      sizeBits--;
    }
    return new Block(Arc.value(arc.idAt(density.cellStart(first))), sizeBits);
  }

  /** Whether every segment's cursor has passed its part of [from, to]. */
  private boolean walkedPast(Int192 from, Int192 to) {
    SweepSegments segments = table.segments();
    for (int seg = segments.of(from); seg <= segments.of(to); seg++) {
      Int192 end = segments.end(seg).subtract(Int192.ONE).min(to);
      if (segments.cursor(seg).compareTo(end) < 0) {
        return false;
      }
    }
    return true;
  }
}
