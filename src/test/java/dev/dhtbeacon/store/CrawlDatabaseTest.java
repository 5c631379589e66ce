package dev.dhtbeacon.store;

import dev.dhtbeacon.routing.NodeId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips through the crawl database file, commits, and what a crash leaves. */
class CrawlDatabaseTest {
  @TempDir
  Path dir;

  private static final byte[] IP1 = {127, 0, 120, 1};
  private static final byte[] IP2 = {127, 0, 120, 2};

  private static String id(int n) {
    return String.format("%040x", n);
  }

  @Test
  void nodeRecordsRoundTripAndComeBackInIdOrder() throws Exception {
    Path file = dir.resolve("crawl.db");
    CrawlNode full = new CrawlNode(id(7), IP1, 28000, "DB\u0000\u0001", 12, 1_000, 2_000, 1_900,
        true, false, 1, 20, 60, 0, 3);
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      db.putNode(full);
      assertTrue(db.putNodeIfAbsent(CrawlNode.discovered(id(3), IP2, 28001, true, 500)));
      assertFalse(db.putNodeIfAbsent(CrawlNode.discovered(id(7), IP2, 1, false, 9)));
      db.putNode(CrawlNode.discovered(id(12), IP2, 28002, false, 600).withReadOnly());
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      assertEquals(Optional.of(full), db.node(id(7)));
      assertEquals(3, db.nodeCount());
      List<CrawlNode> from = db.nodesFrom(id(5), 10);
      assertEquals(List.of(id(7), id(12)), from.stream().map(CrawlNode::idHex).toList());
      assertTrue(from.get(1).readOnly());
      assertEquals(-1, db.node(id(3)).orElseThrow().bep51());
    }
  }

  @Test
  void nodeRecordsInMemoryBehaveAsInAFile() throws Exception {
    // Ids with the top bit set too: a file orders its byte keys as unsigned, like the hex ids.
    List<String> ids = List.of(id(40), id(7), "ff" + id(3).substring(2), id(300),
        "80" + id(1).substring(2), id(12), "7f" + id(2).substring(2), id(99));
    try (CrawlDatabase file = CrawlDatabase.open(dir.resolve("crawl.db"));
        CrawlDatabase memory = CrawlDatabase.inMemory()) {
      for (CrawlDatabase db : List.of(file, memory)) {
        for (String id : ids) {
          assertTrue(db.putNodeIfAbsent(CrawlNode.discovered(id, IP1, 28000, true, 1)));
        }
        assertFalse(db.putNodeIfAbsent(CrawlNode.discovered(id(12), IP2, 1, false, 9)));
        db.putNode(db.node(id(99)).orElseThrow().withClaim(5, 1_000));
      }
      assertEquals(List.of(id(12), id(40), id(99)), ids(memory.nodesFrom(id(10), 3)));
      assertEquals(ids(memory.nodesFrom(id(10), 3)), ids(file.nodesFrom(id(10), 3)));
      assertEquals(ids(memory.nodesFrom("80" + id(0).substring(2), 10)),
          ids(file.nodesFrom("80" + id(0).substring(2), 10)));
      List<CrawlNode> all = new java.util.ArrayList<>();
      memory.forEachNode(all::add);
      List<CrawlNode> allFile = new java.util.ArrayList<>();
      file.forEachNode(allFile::add);
      assertEquals(allFile, all, "same records, in id order");
      assertEquals(ids.stream().sorted().toList(), ids(all));
      assertEquals(8, memory.nodeCount());
      assertEquals(8, file.nodeCount());
      assertEquals(file.node(id(99)), memory.node(id(99)));
      assertEquals(5, file.node(id(99)).orElseThrow().sweep());
      assertEquals(IP1[3], memory.node(id(12)).orElseThrow().ip()[3], "the first record stays");
    }
  }

  @Test
  void nodeRecordsOfAnOlderFileAreMovedOnceAtOpen() throws Exception {
    Path file = dir.resolve("old-nodes.db");
    CrawlNode a = CrawlNode.discovered(id(5), IP1, 28000, true, 1).withClaim(2, 10);
    CrawlNode b = CrawlNode.discovered("ee" + id(6).substring(2), IP2, 28001, false, 2);
    try (org.mapdb.DB raw = org.mapdb.DBMaker.fileDB(file.toFile()).transactionEnable().make()) {
      java.util.Map<String, byte[]> old = raw.treeMap("crawl-nodes",
          org.mapdb.Serializer.STRING, org.mapdb.Serializer.BYTE_ARRAY).counterEnable()
          .createOrOpen();
      old.put(a.idHex(), CrawlRecordCodec.encode(a));
      old.put(b.idHex(), CrawlRecordCodec.encode(b));
      raw.commit();
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      assertEquals(Optional.of(a), db.node(a.idHex()));
      assertEquals(2, db.nodeCount());
      db.putNode(a.withFailure());
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      assertEquals(1, db.node(a.idHex()).orElseThrow().failures(), "not moved a second time");
      assertEquals(List.of(a.idHex(), b.idHex()), ids(db.nodesFrom(id(0), 10)));
    }
  }

  private static List<String> ids(List<CrawlNode> nodes) {
    return nodes.stream().map(CrawlNode::idHex).toList();
  }

  @Test
  void answersFailuresAndClaimsUpdateARecord() {
    try (CrawlDatabase db = CrawlDatabase.inMemory()) {
      CrawlNode n = CrawlNode.discovered(id(1), IP1, 28000, true, 100).withClaim(4, 200);
      assertEquals(4, n.sweep());
      n = n.withFailure().withFailure();
      assertEquals(2, n.failures());
      n = n.withAnswer(IP2, 28005, false, "LT01", 33, 300, 1, 17, 60);
      assertEquals(0, n.failures(), "an answer clears the failures");
      assertEquals(200 + 60_000, n.notBeforeMillis(), "interval counts from the last query");
      CrawlNode noNews = n.withAnswer(IP2, 28005, false, null, 40, 400, -1, -1, -1);
      assertEquals(1, noNews.bep51(), "an answer that says nothing about BEP 51 keeps it");
      assertEquals("LT01", noNews.version());
      db.putNode(noNews);
      assertEquals(Optional.of(noNews), db.node(id(1)));
    }
  }

  @Test
  void infohashesCountDistinctReporters() {
    try (CrawlDatabase db = CrawlDatabase.inMemory()) {
      byte[] a = new byte[20];
      byte[] b = new byte[20];
      b[0] = 1;
      NodeId h = NodeId.ofHex(id(42));
      assertTrue(db.reportInfohash(h, a, 1_000));
      assertFalse(db.reportInfohash(h, a, 2_000), "the same reporter again");
      assertFalse(db.reportInfohash(h, b, 3_000));
      CrawlInfohash record = db.infohash(h).orElseThrow();
      assertEquals(2, record.reporters());
      assertEquals(1_000, record.firstSeenMillis());
      assertEquals(3_000, record.lastSeenMillis());
      assertEquals(1, db.infohashCount());
    }
  }

  @Test
  void aFileOfTheOldLayoutHasItsInfohashesGroupedOnceAtOpen() throws Exception {
    Path file = dir.resolve("hashes.db");
    NodeId h = NodeId.ofHex(id(43));
    NodeId broken = NodeId.ofHex(id(44));
    byte[] a = new byte[20];
    byte[] b = new byte[20];
    b[0] = 1;
    try (org.mapdb.DB raw = org.mapdb.DBMaker.fileDB(file.toFile()).transactionEnable().make()) {
      java.util.Map<String, byte[]> old = raw.hashMap("crawl-infohashes",
          org.mapdb.Serializer.STRING, org.mapdb.Serializer.BYTE_ARRAY).counterEnable()
          .createOrOpen();
      old.put(h.hex(), CrawlRecordCodec.encode(CrawlInfohash.first(a, 1_000)));
      old.put(broken.hex(), new byte[] {1, 2, 3});
      raw.commit();
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      assertEquals(1, db.infohashCount(), "the readable record moved; the truncated one not");
      assertFalse(db.reportInfohash(h, a, 2_000), "the same reporter again");
      assertFalse(db.reportInfohash(h, b, 3_000));
      assertTrue(db.reportInfohash(broken, a, 4_000));
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      assertEquals(2, db.infohash(h).orElseThrow().reporters());
      assertEquals(1_000, db.infohash(h).orElseThrow().firstSeenMillis());
      assertEquals(3_000, db.infohash(h).orElseThrow().lastSeenMillis());
      assertEquals(2, db.infohashCount(), "not moved a second time");
    }
  }

  @Test
  void stateRoundTripsAndStartsEmpty() throws Exception {
    Path file = dir.resolve("state.db");
    CrawlState s = new CrawlState(3, true, id(99), id(5), 1_234, 10, 8, 2, 1, 40);
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      assertEquals(CrawlState.initial(), db.state());
      db.saveState(s);
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      assertEquals(s, db.state());
    }
  }

  @Test
  void aCrashLosesWhatWasNotCommittedAndNothingElse() throws Exception {
    Path file = dir.resolve("crash.db");
    CrawlDatabase db = CrawlDatabase.open(file);
    db.putNode(CrawlNode.discovered(id(1), IP1, 28000, true, 1));
    db.commit();
    db.putNode(CrawlNode.discovered(id(2), IP1, 28001, true, 2));
    db.closeWithoutCommit();
    try (CrawlDatabase reopened = CrawlDatabase.open(file)) {
      assertTrue(reopened.node(id(1)).isPresent(), "committed before the crash");
      assertFalse(reopened.node(id(2)).isPresent(), "written after the last commit");
    }
  }

  @Test
  void healthiestAreFreshOnePerIpFastestFirst() {
    try (CrawlDatabase db = CrawlDatabase.inMemory()) {
      long now = 10_000_000;
      long fresh = 15 * 60_000;
      db.putNode(answered(1, IP1, 50, now - 1_000));
      db.putNode(answered(2, IP1, 20, now - 2_000));
      db.putNode(answered(3, IP2, 30, now - 3_000));
      db.putNode(answered(4, new byte[] {127, 0, 120, 3}, 10, now - fresh - 1));
      db.putNode(CrawlNode.discovered(id(5), new byte[] {127, 0, 120, 4}, 28000, true, now));
      List<CrawlNode> best = db.healthiest(10, now, fresh);
      assertEquals(List.of(id(2), id(3)), best.stream().map(CrawlNode::idHex).toList());
      assertEquals(1, db.healthiest(1, now, fresh).size());
    }
  }

  private static CrawlNode answered(int n, byte[] ip, long rtt, long at) {
    return CrawlNode.discovered(id(n), ip, 28000, true, at - 10)
        .withAnswer(ip, 28000, true, null, rtt, at, -1, -1, -1);
  }
}
