package dev.dhtbeacon.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.routing.NodeId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/** Infohash records grouped in a real MapDB file, against the same reports in memory. */
class InfohashGroupsTest {
  @TempDir
  Path dir;

  private DB open() {
    return DBMaker.fileDB(dir.resolve("groups.db").toFile()).transactionEnable().make();
  }

  private static InfohashGroups groups(DB db) {
    return new InfohashGroups(rawGroups(db), db.atomicLong("count").createOrOpen(), "test");
  }

  private static NavigableMap<byte[], byte[]> rawGroups(DB db) {
    return db.treeMap("groups", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
        .valuesOutsideNodesEnable().createOrOpen();
  }

  @Test
  void batchesSplitGroupsAndEveryRecordMatchesTheSameReportsInMemory() {
    Random random = new Random(7);
    List<NodeId> hashes = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      hashes.add(NodeId.random(random));
    }
    byte[][] reporters = new byte[6][20];
    for (byte[] r : reporters) {
      random.nextBytes(r);
    }
    InfohashTable memory = new InfohashTable.InMemory();
    try (DB db = open()) {
      InfohashGroups file = groups(db);
      int addedInFile = 0;
      int addedInMemory = 0;
      // Batches of every size, infohashes reported again by the same and by other nodes.
      for (int batch = 0, next = 0; next < 9_000; batch++) {
        List<InfohashReport> reports = new ArrayList<>();
        for (int i = 0; i < 1 + batch * 40 && next < 9_000; i++, next++) {
          reports.add(new InfohashReport(hashes.get(random.nextInt(hashes.size())),
              reporters[random.nextInt(reporters.length)], 1_000 + next));
        }
        addedInFile += file.apply(reports);
        addedInMemory += memory.apply(reports);
        db.commit();
      }
      assertEquals(addedInMemory, addedInFile);
      assertEquals(memory.size(), file.size());
      Map<NodeId, CrawlInfohash> seen = new HashMap<>();
      file.forEach(seen::put, e -> {
        throw e;
      });
      assertEquals(memory.size(), seen.size());
      for (Map.Entry<NodeId, CrawlInfohash> e : seen.entrySet()) {
        CrawlInfohash expected = memory.get(e.getKey());
        assertEquals(expected.reporters(), e.getValue().reporters());
        assertEquals(expected.firstSeenMillis(), e.getValue().firstSeenMillis());
        assertEquals(expected.lastSeenMillis(), e.getValue().lastSeenMillis());
        assertEquals(expected.reporters(), file.get(e.getKey()).reporters());
      }
      assertNull(file.get(NodeId.random(random)));
      NavigableMap<byte[], byte[]> raw = rawGroups(db);
      assertTrue(raw.size() >= memory.size() / InfohashGroups.MAX_GROUP, raw.size() + " groups");
      assertArrayEquals(new byte[20], raw.firstKey());
      for (Map.Entry<byte[], byte[]> g : raw.entrySet()) {
        int records = java.nio.ByteBuffer.wrap(g.getValue(), 1, 4).getInt();
        assertTrue(records <= InfohashGroups.MAX_GROUP,
            NodeId.of(g.getKey()) + " holds " + records);
      }
    }
  }

  @Test
  void groupsAndTheirCountSurviveAReopen() {
    NodeId h = NodeId.ofHex("ab".repeat(20));
    byte[] a = new byte[20];
    try (DB db = open()) {
      assertEquals(1, groups(db).apply(List.of(new InfohashReport(h, a, 5))));
      db.commit();
    }
    try (DB db = open()) {
      InfohashGroups file = groups(db);
      assertEquals(1, file.size());
      assertEquals(5, file.get(h).firstSeenMillis());
      assertEquals(0, file.apply(List.of(new InfohashReport(h, a, 6))));
    }
  }

  @Test
  void anUnreadableGroupIsSkippedThenReplacedAtItsNextWrite() {
    NodeId h = NodeId.ofHex("12".repeat(20));
    byte[] a = new byte[20];
    try (DB db = open()) {
      rawGroups(db).put(new byte[20], new byte[] {1, 0, 0, 0, 9, 7});
      InfohashGroups file = groups(db);
      List<RuntimeException> errors = new ArrayList<>();
      file.forEach((k, v) -> { }, errors::add);
      assertEquals(1, errors.size(), "the truncated group is reported");
      assertTrue(file.apply(List.of(new InfohashReport(h, a, 5))) == 1);
      assertEquals(1, file.get(h).reporters());
      errors.clear();
      file.forEach((k, v) -> { }, errors::add);
      assertTrue(errors.isEmpty());
      assertFalse(rawGroups(db).isEmpty());
    }
  }
}
