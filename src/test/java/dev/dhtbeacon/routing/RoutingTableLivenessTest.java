package dev.dhtbeacon.routing;

import static dev.dhtbeacon.routing.RoutingTestSupport.contact;
import static dev.dhtbeacon.routing.RoutingTestSupport.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * BEP 5 node states, replacement caches, pings and refreshes. Our id is zero, so ids starting
 * with 0x80 all land in bucket 0, which stops splitting once the table has two buckets.
 */
class RoutingTableLivenessTest {
  private static final long T0 = 1_000_000L;
  private static final long MINUTE = 60_000L;
  private static final int K = 8;

  private final RoutingTable table = new RoutingTable(NodeId.zero(), K, new Random(7));

  /** Fills bucket 0 with k good nodes 1..k (hosts 1..k) at T0; returns their contacts. */
  private Contact[] fillFarBucket(long now) {
    Contact[] live = new Contact[K];
    for (int i = 0; i < K; i++) {
      live[i] = contact(id(0x80, i + 1), i + 1);
      table.onResponse(live[i], now, 20);
    }
    return live;
  }

  @Test
  void statesFollowBep5Windows() {
    Contact c = contact(id(0x80, 1), 1);
    table.onResponse(c, T0, 30);
    assertEquals(NodeState.GOOD, table.stateOf(c.id(), T0 + 14 * MINUTE));
    assertEquals(NodeState.QUESTIONABLE, table.stateOf(c.id(), T0 + 15 * MINUTE));
    // A query after a response ever keeps it good for another 15 minutes.
    table.onQueryFrom(c, T0 + 20 * MINUTE);
    assertEquals(NodeState.GOOD, table.stateOf(c.id(), T0 + 30 * MINUTE));
    // A node that only queried us has never been verified.
    Contact q = contact(id(0x80, 2), 2);
    table.onQueryFrom(q, T0);
    assertEquals(NodeState.QUESTIONABLE, table.stateOf(q.id(), T0));
    table.onTimeout(c, T0 + 31 * MINUTE);
    assertEquals(NodeState.QUESTIONABLE, table.stateOf(c.id(), T0 + 31 * MINUTE));
    table.onTimeout(c, T0 + 32 * MINUTE);
    assertEquals(NodeState.BAD, table.stateOf(c.id(), T0 + 32 * MINUTE));
    table.onResponse(c, T0 + 33 * MINUTE, 50);
    assertEquals(NodeState.GOOD, table.stateOf(c.id(), T0 + 33 * MINUTE));
    RoutingEntryView v = table.entries(T0 + 33 * MINUTE).stream()
        .filter(e -> e.contact().equals(c)).findFirst().orElseThrow();
    assertEquals(T0 + 33 * MINUTE, v.lastResponseMillis());
    assertTrue(v.rttMillis() >= 30 && v.rttMillis() <= 50, "rtt " + v.rttMillis());
    assertTrue(v.good());
    RoutingEntryView unverified = table.entries(T0).stream()
        .filter(e -> e.contact().equals(q)).findFirst().orElseThrow();
    assertEquals(0, unverified.lastResponseMillis());
    assertEquals(-1, unverified.rttMillis());
  }

  @Test
  void badEntryIsReplacedByMostRecentReplacement() {
    Contact[] live = fillFarBucket(T0);
    Contact older = contact(id(0x80, 100), 100);
    Contact newer = contact(id(0x80, 101), 101);
    table.onResponse(older, T0 + 1, 5);
    table.onResponse(newer, T0 + 2, 5);
    assertEquals(K, table.bucketFill().get(0));
    assertEquals(2, table.replacementCount());
    assertFalse(table.contains(newer.id()));

    table.onTimeout(live[3], T0 + 3);
    assertTrue(table.contains(live[3].id()), "one failure is not bad yet");
    table.onTimeout(live[3], T0 + 4);
    assertFalse(table.contains(live[3].id()));
    assertTrue(table.contains(newer.id()));
    assertFalse(table.contains(older.id()));
    assertEquals(1, table.replacementCount());
    assertEquals(K, table.bucketFill().get(0));
  }

  @Test
  void promotionPrefersAReplacementThatHasAnswered() {
    Contact[] live = fillFarBucket(T0);
    Contact answered = contact(id(0x80, 100), 100);
    Contact merelyQueried = contact(id(0x80, 101), 101);
    table.onResponse(answered, T0 + 1, 5);
    table.onQueryFrom(merelyQueried, T0 + 2);
    table.onTimeout(live[0], T0 + 3);
    table.onTimeout(live[0], T0 + 4);
    assertTrue(table.contains(answered.id()));
    assertFalse(table.contains(merelyQueried.id()));
  }

  @Test
  void badEntryWithoutReplacementStaysUntilANewcomerTakesItsSlot() {
    Contact[] live = fillFarBucket(T0);
    table.onTimeout(live[0], T0 + 1);
    table.onTimeout(live[0], T0 + 2);
    assertEquals(NodeState.BAD, table.stateOf(live[0].id(), T0 + 3));
    assertFalse(table.closest(live[0].id(), 100).contains(live[0]), "bad entries are not offered");
    Contact newcomer = contact(id(0x80, 50), 50);
    table.onQueryFrom(newcomer, T0 + 4);
    assertTrue(table.contains(newcomer.id()));
    assertFalse(table.contains(live[0].id()));
    assertEquals(0, table.replacementCount());
  }

  @Test
  void fullBucketOfQuestionableEntriesAsksForPings() {
    Contact[] live = fillFarBucket(T0);
    long later = T0 + 16 * MINUTE;
    // A near node in bucket 1 that is questionable but not contested.
    Contact near = contact(id(0x01, 1), 60);
    table.onQueryFrom(near, T0 - 1);
    assertTrue(table.questionableToPing(T0, 10).contains(near));

    Contact newcomer = contact(id(0x80, 77), 77);
    table.onResponse(newcomer, later, 5);
    assertFalse(table.contains(newcomer.id()), "questionable entries are pinged, not evicted");
    assertEquals(1, table.replacementCount());

    List<Contact> ping = table.questionableToPing(later, 3);
    assertEquals(3, ping.size());
    Set<Contact> bucket0 = new HashSet<>(List.of(live));
    assertTrue(bucket0.containsAll(ping), "the contested bucket comes first: " + ping);
    List<Contact> rest = table.questionableToPing(later + 1, 100);
    assertEquals(K - 3 + 1, rest.size());
    assertTrue(rest.contains(near));
    assertTrue(table.questionableToPing(later + 30_000, 100).isEmpty(), "pinged less than 1 min ago");
    assertEquals(K + 1, table.questionableToPing(later + MINUTE + 1, 100).size());

    // The pings: one answers, the rest time out twice; the newcomer takes the first bad slot.
    table.onResponse(live[0], later + 2 * MINUTE, 5);
    table.onTimeout(live[1], later + 2 * MINUTE);
    table.onTimeout(live[1], later + 3 * MINUTE);
    assertTrue(table.contains(newcomer.id()));
    assertFalse(table.contains(live[1].id()));
    assertEquals(NodeState.GOOD, table.stateOf(live[0].id(), later + 3 * MINUTE));
  }

  @Test
  void goodBucketSendsNewcomersToTheCacheWhichKeepsTheMostRecent() {
    fillFarBucket(T0);
    for (int i = 0; i < 2 * K; i++) {
      table.onQueryFrom(contact(id(0x80, 200 + i), 200 + i), T0 + i);
    }
    assertEquals(K, table.size());
    assertEquals(K, table.replacementCount());
    assertTrue(table.questionableToPing(T0 + 20, 10).isEmpty(), "all entries are good");
    // A replacement that times out is dropped.
    table.onTimeout(contact(id(0x80, 200 + 2 * K - 1), 200 + 2 * K - 1), T0 + 30);
    assertEquals(K - 1, table.replacementCount());
    // The oldest cached hosts were pushed out, so their IPs are free again.
    table.onQueryFrom(contact(id(0x80, 999), 200), T0 + 40);
    assertEquals(K, table.replacementCount());
  }

  @Test
  void refreshTargetsOnlyForBucketsUntouchedFor15Minutes() {
    RoutingTable t = new RoutingTable(NodeId.zero(), K, new Random(9));
    assertTrue(t.refreshTargets(T0).isEmpty(), "the first call only starts the clock");
    assertEquals(1, t.refreshTargets(T0 + 15 * MINUTE).size());

    Random random = new Random(10);
    for (int i = 0; i < 300; i++) {
      t.onResponse(contact(NodeId.random(random), i + 1), T0 + 16 * MINUTE, 5);
    }
    long touched = T0 + 16 * MINUTE;
    assertTrue(t.refreshTargets(touched + 14 * MINUTE).isEmpty());
    // Keep bucket 0 fresh with an answer from one of its nodes.
    Contact far = t.contacts().stream().filter(c -> t.bucketIndex(c.id()) == 0).findFirst().orElseThrow();
    t.onResponse(far, touched + 10 * MINUTE, 5);
    List<NodeId> targets = t.refreshTargets(touched + 15 * MINUTE);
    assertEquals(t.bucketCount() - 1, targets.size());
    int last = t.bucketCount() - 1;
    Set<Integer> seen = new HashSet<>();
    for (NodeId target : targets) {
      int cpl = NodeId.zero().commonPrefixLength(target);
      int index = t.bucketIndex(target);
      assertTrue(index == last ? cpl >= last : cpl == index, "target outside its bucket");
      seen.add(index);
    }
    assertEquals(t.bucketCount() - 1, seen.size(), "one target per stale bucket");
    assertFalse(seen.contains(0));
    assertTrue(t.refreshTargets(touched + 16 * MINUTE).isEmpty(), "refreshed buckets restart");
    assertEquals(1, t.refreshTargets(touched + 25 * MINUTE).size());
  }

  @Test
  void unknownStateIsNull() {
    assertNull(table.stateOf(id(0x80, 1), T0));
  }
}
