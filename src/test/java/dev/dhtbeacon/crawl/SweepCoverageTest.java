package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which blocks an answer describes, and which node a sweep aims at when none has. Spacing is
 * that of 2 000 nodes (2^149.03), so a cell is 2^149 ids wide and a table counts as complete
 * within 8 spacings (XOR below 2^152) of its owner.
 */
class SweepCoverageTest {
  private static final double SPACING = Arc.KEYSPACE.doubleValue() / 2_000;
  /** A target in the middle of the keyspace. */
  private static final Int192 T = Int192.valueOf(5).shiftLeft(156);

  private final SweepTable table = new SweepTable(Arc.full(), SPACING, 10_000);
  private final SweepCoverage coverage = new SweepCoverage(table, 1_000);
  private int port = 1;

  @Test
  void eightNamedDescribeTheTargetsBlockOfHalfTheFarthestDistance() {
    SweepTable.Entry inside = add(T.add(Int192.valueOf(3).shiftLeft(147)));
    SweepTable.Entry outside = add(T.add(Int192.ONE.shiftLeft(150)).add(Int192.ONE));
    SweepTable.Entry holder = add(T.xor(Int192.ONE.shiftLeft(151)));
    holder.target = Arc.id(T);
    // Seven named within 2^147 of the target, the farthest at 2^150: the 2^150 block is whole.
    List<Contact> named = new ArrayList<>();
    for (int k = 1; k <= 7; k++) {
      named.add(contact(T.xor(Int192.valueOf(k).shiftLeft(144))));
    }
    named.add(contact(T.xor(Int192.ONE.shiftLeft(150))));
    coverage.answered(holder, named, SPACING);

    assertTrue(inside.described);
    assertFalse(outside.described, "beyond the farthest named, the holder may know more");
    SweepTable.Entry later = add(T.add(Int192.ONE.shiftLeft(149)));
    coverage.discovered(later, SPACING);
    assertTrue(later.described, "a node heard of later inside a described block");
  }

  @Test
  void anAnswerFromFarAwayDescribesNothing() {
    SweepTable.Entry inside = add(T.add(Int192.ONE));
    SweepTable.Entry holder = add(T.xor(Int192.ONE.shiftLeft(153)));
    holder.target = Arc.id(T);
    List<Contact> named = new ArrayList<>();
    for (int k = 1; k <= 8; k++) {
      named.add(contact(T.xor(Int192.valueOf(k).shiftLeft(140))));
    }
    coverage.answered(holder, named, SPACING);
    assertFalse(inside.described, "a table is complete only near its owner");
  }

  @Test
  void theLowestUndescribedNodeInReachIsAimedAtOnceUntilItsQueryEnds() {
    Int192 cell = Int192.ONE.shiftLeft(149);
    SweepTable.Entry low = add(T.add(Int192.ONE));
    SweepTable.Entry high = add(T.add(cell.multiply(Int192.valueOf(3))));
    SweepTable.Entry asker = add(T.add(cell.multiply(Int192.valueOf(2))));
    SweepTable.Entry other = add(T.add(cell.multiply(Int192.valueOf(2))).add(Int192.ONE));

    assertEquals(low, coverage.undescribedNear(asker, SPACING));
    SweepTable.Entry next = coverage.undescribedNear(other, SPACING);
    assertNotNull(next);
    assertNotEquals(low, next, "a claimed cell is not aimed at twice");

    coverage.release(asker);
    SweepTable.Entry again = add(T.add(cell.multiply(Int192.valueOf(5))));
    assertEquals(low, coverage.undescribedNear(again, SPACING), "released when it failed");
    low.described = true;
    high.described = true;
    coverage.release(again);
    coverage.release(other);
    SweepTable.Entry mid = coverage.undescribedNear(low, SPACING);
    assertTrue(mid == asker || mid == other, "the next undescribed one: " + mid);
  }

  @Test
  void aNodeNextToTheAskerButAcrossASubtreeBoundaryIsNotAimedAt() {
    // One id below T by position, but sharing only a 1-bit prefix with it: far by XOR, where
    // the asker's table holds a few nodes of many.
    SweepTable.Entry across = add(T.subtract(Int192.ONE));
    SweepTable.Entry asker = add(T);
    asker.described = true;
    assertNull(coverage.undescribedNear(asker, SPACING));
    assertFalse(across.claimed);
  }

  private SweepTable.Entry add(Int192 value) {
    SweepTable.Entry e = table.add(contact(value), true);
    assertNotNull(e);
    return e;
  }

  private Contact contact(Int192 value) {
    int i = port++;
    return new Contact(Arc.id(value), new InetSocketAddress(
        Testnet.loopback(127, 0, 131, 1 + i % 250), 28000 + i / 250));
  }
}
