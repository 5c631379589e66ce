package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SweepThinBlocks}: a block the walk has passed, known far more thinly than its width
 * implies, is probed from beside it; nowhere else.
 */
class SweepThinBlocksTest {
  private static final int NODES = 2_000;
  private static final double SPACING = Arc.KEYSPACE.doubleValue() / NODES;
  /** [0xf8…, 0xfc…): a 64th of the keyspace, about 31 of the 2 000 nodes. */
  private static final Int192 HOLE_LO = Int192.parseHex("f8").shiftLeft(NodeId.BITS - 8);
  private static final Int192 HOLE_HI = Int192.parseHex("fc").shiftLeft(NodeId.BITS - 8);

  @Test
  void aBlockWalkedPastWithOneNodeKnownIsProbedInItsThinnestCellTwice() {
    SweepTable table = new SweepTable(Arc.full(), SPACING, 10_000);
    SweepTable.Entry beside = fill(table, true, 1);
    table.segments().advanceCursor(beside.position);
    SweepThinBlocks thin = new SweepThinBlocks(table);

    for (int probe = 0; probe < SweepThinBlocks.MAX_PROBES; probe++) {
      SweepTargets.Block b = thin.beside(beside);
      assertNotNull(b, "probe " + probe);
      assertTrue(b.lo().compareTo(HOLE_LO) >= 0 && b.lo().compareTo(HOLE_HI) < 0,
          "probe " + probe + " aimed outside the hole: " + b);
      assertEquals(NodeId.BITS - 8, b.sizeBits(), "one grid cell");
      assertEquals(0, table.density().count(table.density().cell(b.lo())),
          "the thinnest cell holds no known node");
    }
    assertNull(thin.beside(beside), "probed twice already");
  }

  @Test
  void aBlockAheadOfTheCursorIsNotThinYet() {
    SweepTable table = new SweepTable(Arc.full(), SPACING, 10_000);
    SweepTable.Entry beside = fill(table, true, 2);
    table.segments().advanceCursor(HOLE_LO);
    assertNull(new SweepThinBlocks(table).beside(beside));
  }

  @Test
  void aFullyKnownKeyspaceHasNoThinBlock() {
    SweepTable table = new SweepTable(Arc.full(), SPACING, 10_000);
    SweepTable.Entry beside = fill(table, false, 3);
    table.segments().advanceCursor(Arc.KEYSPACE.subtract(Int192.ONE));
    SweepThinBlocks thin = new SweepThinBlocks(table);
    Random random = new Random(3);
    for (int i = 0; i < 50; i++) {
      SweepTable.Entry e = table.add(contact(NodeId.random(random), 5_000 + i), true);
      if (e != null) {
        assertNull(thin.beside(e), "thin block beside " + e.contact.id());
      }
    }
    assertNull(thin.beside(beside));
  }

  /**
   * Adds {@value #NODES} random nodes, leaving the hole with one node if {@code hole}, and
   * returns a node just above the hole (its sibling block at level 6).
   */
  private static SweepTable.Entry fill(SweepTable table, boolean hole, long seed) {
    Random random = new Random(seed);
    int added = 0;
    for (int i = 0; added < NODES; i++) {
      Int192 v = Arc.value(NodeId.random(random));
      if (hole && v.compareTo(HOLE_LO) >= 0 && v.compareTo(HOLE_HI) < 0) {
        continue;
      }
      table.add(contact(Arc.id(v), i), true);
      added++;
    }
    if (hole) {
      table.add(contact(Arc.id(HOLE_LO.add(Int192.ONE.shiftLeft(150))), 9_000), true);
    }
    return table.add(contact(Arc.id(HOLE_HI.add(Int192.ONE.shiftLeft(140))), 9_001), true);
  }

  private static Contact contact(NodeId id, int i) {
    return new Contact(id, new InetSocketAddress(
        Testnet.loopback(127, 0, 130 + (i / 250) % 40, 1 + i % 250), 28000));
  }
}
