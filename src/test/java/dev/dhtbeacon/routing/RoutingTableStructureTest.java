package dev.dhtbeacon.routing;

import static dev.dhtbeacon.routing.RoutingTestSupport.contact;
import static dev.dhtbeacon.routing.RoutingTestSupport.idAtPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Splitting, bucket bounds and the correctness of closest() against brute force. */
class RoutingTableStructureTest {
  private static final long T0 = 1_000_000L;
  private static final int K = 8;

  @Test
  void splitsOnlyTheOwnBucketAndKeepsBucketsWithinK() {
    Random random = new Random(1);
    NodeId self = NodeId.random(random);
    RoutingTable table = new RoutingTable(self, K, random);
    for (int i = 0; i < 2_000; i++) {
      table.onResponse(contact(NodeId.random(random), i + 1), T0 + i, 10);
    }
    assertTrue(table.bucketCount() > 5, "buckets: " + table.bucketCount());
    for (int fill : table.bucketFill()) {
      assertTrue(fill <= K, "bucket over k: " + table.bucketFill());
    }
    assertEquals(table.bucketFill().stream().mapToInt(Integer::intValue).sum(), table.size());
    assertTrue(table.size() <= K * table.bucketCount());
    // Random ids: each of the shallow buckets has seen far more than k candidates.
    for (int i = 0; i < table.bucketCount() - 4; i++) {
      assertEquals(K, table.bucketFill().get(i), "bucket " + i + " of " + table.bucketFill());
    }
    for (Contact c : table.contacts()) {
      int index = table.bucketIndex(c.id());
      int cpl = self.commonPrefixLength(c.id());
      assertTrue(index == table.bucketCount() - 1 ? cpl >= index : cpl == index);
    }
    assertEquals(table.size(), new HashSet<>(table.contacts()).size());
  }

  @Test
  void closestMatchesBruteForceOverManyBuckets() {
    Random random = new Random(2);
    NodeId self = NodeId.random(random);
    RoutingTable table = new RoutingTable(self, K, random);
    for (int i = 0; i < 2_000; i++) {
      // Half uniform, half near us, so that deep buckets fill up too.
      NodeId id = i % 2 == 0 ? NodeId.random(random) : idAtPrefix(self, random.nextInt(24), random);
      if (i % 3 == 0) {
        table.onQueryFrom(contact(id, i + 1), T0 + i);
      } else {
        table.onResponse(contact(id, i + 1), T0 + i, 5);
      }
    }
    // Make a few entries bad (no replacement for them in deep buckets): closest must skip them.
    List<Contact> all = table.contacts();
    for (int i = 0; i < all.size(); i += 7) {
      table.onTimeout(all.get(i), T0 + 5_000);
      table.onTimeout(all.get(i), T0 + 6_000);
    }
    long now = T0 + 7_000;
    List<Contact> eligible = new ArrayList<>();
    for (RoutingEntryView v : table.entries(now)) {
      if (v.state() != NodeState.BAD) {
        eligible.add(v.contact());
      }
    }
    assertTrue(eligible.size() > 50, "eligible: " + eligible.size());
    List<NodeId> targets = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      targets.add(NodeId.random(random));
      targets.add(idAtPrefix(self, random.nextInt(table.bucketCount() + 2), random));
    }
    targets.add(self);
    targets.add(eligible.get(0).id());
    for (NodeId target : targets) {
      for (int n : new int[] {1, K, 20, 3 * K + 1}) {
        List<Contact> expected = new ArrayList<>(eligible);
        expected.sort(Comparator.comparing(Contact::id, target::compareDistance));
        expected = expected.subList(0, Math.min(n, expected.size()));
        assertEquals(expected, table.closest(target, n), "target " + target + " n " + n);
      }
    }
    assertEquals(eligible.size(), table.closest(self, 100_000).size());
  }

  @Test
  void rejectsOwnIdAndKeepsOneEntryPerId() {
    Random random = new Random(3);
    NodeId self = NodeId.random(random);
    RoutingTable table = new RoutingTable(self, K, random);
    table.onResponse(contact(self, 1), T0, 1);
    table.onQueryFrom(contact(self, 2), T0);
    assertEquals(0, table.size());
    NodeId other = NodeId.random(random);
    table.onResponse(contact(other, 3), T0, 1);
    table.onResponse(contact(other, 3), T0 + 1, 1);
    table.onQueryFrom(contact(other, 3), T0 + 2);
    assertEquals(1, table.size());
    assertTrue(table.contains(other));
    assertFalse(table.contains(self));
  }

  @Test
  void manySmallTablesAreCheap() {
    // A testnet JVM holds thousands of tables; build many to catch accidental per-table bloat.
    Random random = new Random(4);
    List<RoutingTable> tables = new ArrayList<>();
    Set<Integer> sizes = new HashSet<>();
    for (int t = 0; t < 2_000; t++) {
      RoutingTable table = new RoutingTable(NodeId.random(random), K, random);
      for (int i = 0; i < 60; i++) {
        table.onResponse(contact(NodeId.random(random), i + 1), T0, 1);
      }
      sizes.add(table.size());
      tables.add(table);
    }
    assertEquals(2_000, tables.size());
    assertTrue(sizes.stream().allMatch(s -> s > 8 && s <= 60));
  }
}
