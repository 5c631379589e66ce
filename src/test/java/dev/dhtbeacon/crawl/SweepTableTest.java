package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sweep's order and targets, without sockets: directly on {@link SweepTable} and on
 * simulated keyspaces ({@link SimulatedKeyspace}).
 */
class SweepTableTest {
  private static final double SPACING_2000 = Arc.KEYSPACE.doubleValue() / 2_000;

  @Test
  void sequentialSweepsOfSimulatedKeyspacesReachNearlyEveryLiveNodeOnce() {
    long reachedAll = 0;
    long liveAll = 0;
    for (long seed = 1; seed <= 5; seed++) {
      SimulatedKeyspace dht = new SimulatedKeyspace(2_000, 0.1, seed);
      Contact self = dht.nodes.get(0);
      // Seeds as after a bootstrap: only the crawler's own neighbourhood.
      List<Contact> seeds = dht.answer(self.id(), self.id());
      SimulatedKeyspace.Outcome o = dht.sweep(Arc.full(), seeds, SPACING_2000, c -> true,
          new Random(seed), self.id(), 1);
      long live = dht.nodes.stream().filter(c -> !dht.dead.contains(c.id())).count();
      long reached = dht.nodes.stream()
          .filter(c -> !dht.dead.contains(c.id()) && o.asked().contains(c.id())).count();
      System.out.printf("simulated seed %d: reached %d/%d live, %.3f queries per live node,"
          + " %d probes%n", seed, reached, live, (double) o.queries() / live, o.probes());
      assertTrue(reached >= 0.99 * live, "reached " + reached + " of " + live);
      assertTrue(o.queries() <= 1.2 * live, o.queries() + " queries");
      reachedAll += reached;
      liveAll += live;
    }
    assertTrue(reachedAll >= 0.997 * liveAll, "reached " + reachedAll + " of " + liveAll);
  }

  @Test
  void eightQueriesInFlightAtOnceStillReachNearlyEveryone() {
    SimulatedKeyspace dht = new SimulatedKeyspace(2_000, 0.1, 7);
    Contact self = dht.nodes.get(0);
    SimulatedKeyspace.Outcome o = dht.sweep(Arc.full(), dht.answer(self.id(), self.id()),
        SPACING_2000, c -> true, new Random(7), self.id(), 8);
    long live = dht.nodes.stream().filter(c -> !dht.dead.contains(c.id())).count();
    long reached = dht.nodes.stream()
        .filter(c -> !dht.dead.contains(c.id()) && o.asked().contains(c.id())).count();
    assertTrue(reached >= 0.99 * live, "reached " + reached + " of " + live);
  }

  @Test
  void entriesComeLowestFirstAndOnlyOnce() {
    SweepTable t = new SweepTable(Arc.full(), SPACING_2000, 1_000);
    List<Contact> all = new ArrayList<>();
    Random random = new Random(3);
    for (int i = 0; i < 200; i++) {
      Contact c = contact(NodeId.random(random), i);
      t.add(c, true);
      all.add(c);
    }
    assertNull(t.add(all.get(0), true), "a known node is not added twice");
    Int192 previous = Int192.ONE.negate();
    int taken = 0;
    for (SweepTable.Entry e; (e = t.nextPending(0, 0, x -> true, 1_000,
        (lo, hi, last) -> null)) != null; ) {
      if (e.role == SweepTable.Role.FRONT) {
        assertTrue(e.position.compareTo(previous) > 0, "front not in ascending order");
        previous = e.position;
      }
      t.take(e);
      e.status = SweepTable.Status.ANSWERED;
      taken++;
    }
    assertEquals(200, taken, "each node handed out once");
  }

  @Test
  void heldBackEntriesWaitUntilTheFrontIsFarEnoughPastThem() {
    SweepTable t = new SweepTable(Arc.full(), SPACING_2000, 10_000);
    Random random = new Random(5);
    addRandom(t, random, 2_000, 0);
    Map<SweepTable.Role, Integer> handedOut = new HashMap<>();
    for (SweepTable.Entry e; (e = t.nextPending(0, 0, x -> true, 1_000,
        (lo, hi, last) -> null)) != null; ) {
      Int192 lowestFront = t.byPosition().values().stream()
          .filter(x -> x.role == SweepTable.Role.FRONT && x.status == SweepTable.Status.PENDING)
          .map(x -> x.position).findFirst().orElse(null);
      double lag = e.role == SweepTable.Role.LAGGING ? SweepTable.LAG_SPACINGS
          : e.role == SweepTable.Role.LAST ? SweepTable.LAST_LAG_SPACINGS : 0;
      assertTrue(lowestFront == null
          || lowestFront.subtract(e.position).doubleValue() >= lag * t.spacing(),
          "a held-back " + e.role + " node went too early");
      handedOut.merge(e.role, 1, Integer::sum);
      t.take(e);
      e.status = SweepTable.Status.ANSWERED;
    }
    assertEquals(2_000, handedOut.values().stream().mapToInt(Integer::intValue).sum(),
        "every node is handed out exactly once");
    int lagging = handedOut.getOrDefault(SweepTable.Role.LAGGING, 0);
    int last = handedOut.getOrDefault(SweepTable.Role.LAST, 0);
    assertTrue(lagging > 200 && lagging < 400, lagging + " lagging of 2000");
    assertTrue(last > 50 && last < 150, last + " last of 2000");
  }

  @Test
  void finishedEntriesFarBehindAreDroppedAndLateOnesThereIgnored() {
    SweepTable t = new SweepTable(Arc.full(), SPACING_2000, 1_000);
    Random random = new Random(9);
    addRandom(t, random, 1_200, 0);
    for (int i = 0; i < 600; i++) {
      SweepTable.Entry e = t.nextPending(0, 0, x -> true, 10_000, (lo, hi, last) -> null);
      t.take(e);
      e.status = SweepTable.Status.ANSWERED;
    }
    int dropped = t.flushIfFull();
    assertTrue(dropped > 0 && t.size() <= 900, "dropped " + dropped + ", size " + t.size());
    NodeId behind = Arc.id(t.horizon().subtract(Int192.ONE));
    assertNull(t.add(contact(behind, 9_999), true), "a node behind the horizon is ignored");
    assertEquals(1, t.ignored());
  }

  @Test
  void theHorizonNeverMovesBackSoADroppedNodeIsNeverFoundTwice() {
    SweepTable t = new SweepTable(Arc.full(), SPACING_2000, 1_000);
    Random random = new Random(21);
    addRandom(t, random, 1_200, 0);
    // The lowest 600 are finished but for one held back to the very end (role LAST): such an
    // entry does not hold the front up, so finished ones above it are dropped first.
    List<SweepTable.Entry> low = new ArrayList<>(t.byPosition().values()).subList(0, 600);
    SweepTable.Entry heldBack = low.stream().limit(100)
        .filter(e -> e.role == SweepTable.Role.LAST).findFirst().orElseThrow();
    for (SweepTable.Entry e : low) {
      if (e != heldBack) {
        t.take(e);
        e.status = SweepTable.Status.ANSWERED;
      }
    }
    assertTrue(t.flushIfFull() > 0);
    Int192 first = t.horizon();
    assertTrue(first.compareTo(heldBack.position) > 0, "dropped past the held-back entry");
    SweepTable.Entry dropped = low.stream()
        .filter(e -> e.position.compareTo(heldBack.position) > 0
            && e.position.compareTo(first) <= 0 && !t.byPosition().containsKey(e.position))
        .findFirst().orElseThrow();

    t.take(heldBack);
    heldBack.status = SweepTable.Status.ANSWERED;
    addRandom(t, random, 300, 2_000);
    assertTrue(t.flushIfFull() > 0);
    assertTrue(t.horizon().compareTo(first) >= 0, "the horizon moved back");
    long found = t.found();
    assertNull(t.add(dropped.contact, true), "a dropped node came back");
    assertEquals(found, t.found());
  }

  @Test
  void spacingIsMeasuredWhereTheSweepHasBeen() {
    assertSpacingMeasured(1, 300, 11);
  }

  @Test
  void spacingIsMeasuredWhenSegmentsSpreadThePicksOverTheWholeArc() {
    assertSpacingMeasured(16, 320, 12);
  }

  /**
   * Early in a sweep, only the bottom of each segment is known: the keyspace between the picks
   * is mostly unexplored, and counting the nodes known there reads the spacing far too wide.
   */
  @Test
  void spacingIsMeasuredWhenMostOfTheKeyspaceBetweenThePicksIsUnexplored() {
    assertSpacingMeasured(16, 400, 13, 0.3);
  }

  private static void assertSpacingMeasured(int segments, int picks, long seed) {
    assertSpacingMeasured(segments, picks, seed, 1);
  }

  /**
   * A table over 2 000 random nodes that guessed a spacing 50× too wide, {@code picks} of them
   * answered round the segments: the measured spacing is within 0.7–1.4× the true one. Only
   * the nodes in the lowest {@code explored} share of each segment are known, and one in each
   * grid cell elsewhere.
   */
  private static void assertSpacingMeasured(int segments, int picks, long seed,
      double explored) {
    SweepTable t = new SweepTable(Arc.full(), SPACING_2000 * 50, 10_000);
    t.segments().cut(segments);
    Random random = new Random(seed);
    double segment = Arc.KEYSPACE.doubleValue() / segments;
    for (int i = 0; i < 2_000; i++) {
      NodeId id = NodeId.random(random);
      if (Arc.value(id).doubleValue() % segment < explored * segment) {
        t.add(contact(id, i), true);
      }
    }
    for (int cell = 0; cell < SweepDensity.GRID; cell++) {
      t.add(contact(frontId(Int192.valueOf(cell).shiftLeft(152)), 3_000 + cell), true);
    }
    for (int i = 0; i < picks; i++) {
      SweepTable.Entry e = t.nextPending(i % segments, 0, x -> true, 10_000,
          (lo, hi, last) -> null);
      t.take(e);
      e.status = SweepTable.Status.ANSWERED;
    }
    double ratio = t.spacing() / SPACING_2000;
    assertTrue(ratio > 0.7 && ratio < 1.4, "measured spacing off by " + ratio);
  }

  @Test
  void aFrontNodeIsAimedAboveItselfAndALoneOneAtItsOwnNeighbourhood() {
    SweepTable t = new SweepTable(Arc.full(), SPACING_2000, 10_000);
    SweepTargets aims = new SweepTargets(t);
    Random random = new Random(13);
    // A dense, known stretch up to 0.5 of the keyspace, with nothing known above it.
    Int192 s = Int192.ofDistance(SPACING_2000);
    Int192 half = Arc.KEYSPACE.shiftRight(1);
    for (int i = 40; i >= 1; i--) {
      t.add(contact(frontId(half.subtract(s.multiply(Int192.valueOf(i)))), i), true);
    }
    // Every grid region must hold a node, or the empty-region seeding comes first.
    for (int cell = 0; cell < SweepDensity.GRID; cell++) {
      if (cell >= 128 && cell < 132) {
        continue;
      }
      t.add(contact(frontId(Int192.valueOf(cell).shiftLeft(152)), 1_000 + cell), true);
    }
    SweepTable.Entry last = t.byPosition().lowerEntry(half).getValue();
    NodeId target = aims.targetFor(last, random);
    Int192 aimed = Arc.value(target);
    assertTrue(aimed.compareTo(last.position) > 0, "a front node looks ahead");
    assertTrue(aimed.subtract(last.position).doubleValue()
        <= (SweepTargets.STEP + 1) * SPACING_2000);

    SweepTable.Entry lone = t.add(contact(frontId(half.add(half.shiftRight(1))
        .add(Int192.ONE.shiftLeft(151))), 5_000), true);
    assertNotNull(lone);
    NodeId own = aims.targetFor(lone, random);
    assertTrue(own.commonPrefixLength(lone.contact.id()) >= NodeId.BITS - 1
        - Math.getExponent(t.spacing()), "a lone node is asked about its own neighbourhood");
  }

  /**
   * The stretch below a segment's start is another segment's, which its own front may not have
   * reached: a node just above the start is not spent on probing it, however wide it looks.
   */
  @Test
  void aNodeJustAboveASegmentStartIsNotAimedBelowIt() {
    SweepTable t = new SweepTable(Arc.full(), SPACING_2000, 10_000);
    t.segments().cut(4);
    SweepTargets aims = new SweepTargets(t);
    Random random = new Random(17);
    Int192 s = Int192.ofDistance(SPACING_2000);
    Int192 start = t.segments().start(1);
    // One node per grid cell everywhere (the stretch below the start is only that sparse),
    // and a dense run from two spacings above the start.
    for (int cell = 0; cell < SweepDensity.GRID; cell++) {
      t.add(contact(frontId(Int192.valueOf(cell).shiftLeft(152).add(s.shiftLeft(2))),
          1_000 + cell), true);
    }
    for (int i = 2; i <= 40; i++) {
      t.add(contact(frontId(start.add(s.multiply(Int192.valueOf(i)))), i), true);
    }
    SweepTable.Entry first = t.byPosition().ceilingEntry(start.add(s)).getValue();
    for (int round = 0; round < 20; round++) {
      Int192 aimed = Arc.value(aims.targetFor(first, random));
      assertTrue(aimed.compareTo(start) >= 0, "aimed below the segment's start, at "
          + Arc.id(aimed).hex());
    }
  }

  /** The id of {@code value} with bits 128..143 set, which makes it an ordinary (front) node. */
  private static NodeId frontId(Int192 value) {
    return Arc.id(value.or(Int192.valueOf(0xffff).shiftLeft(16)));
  }

  /** Adds {@code count} nodes with random ids, numbered from {@code first} for their ports. */
  private static void addRandom(SweepTable t, Random random, int count, int first) {
    for (int i = 0; i < count; i++) {
      t.add(contact(NodeId.random(random), first + i), true);
    }
  }

  private static Contact contact(NodeId id, int i) {
    return new Contact(id, new InetSocketAddress(
        Testnet.loopback(127, 0, 130 + (i / 250) % 10, 1 + i % 250), 28000));
  }
}
