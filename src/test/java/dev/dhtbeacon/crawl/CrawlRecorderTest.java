package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.EventLoops;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.store.CrawlDatabase;
import dev.dhtbeacon.store.CrawlInfohash;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer thread holds infohash reports back and wakes for ordinary writes only now and
 * then; nothing handed to it may be lost or reordered by that: reads and commits see every
 * write handed over before them, and closing writes the rest. Real MapDB files; a database in
 * memory is written on a real Netty event loop.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CrawlRecorderTest {
  private static final long NOW = 1_700_000_000_000L;

  @TempDir
  Path dir;

  private final Random random = new Random(7);

  private NodeId randomId() {
    byte[] b = new byte[NodeId.LENGTH];
    random.nextBytes(b);
    return NodeId.of(b);
  }

  private Contact contact(int host) throws Exception {
    return new Contact(randomId(),
        new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 121, (byte) host}),
            28000));
  }

  private List<NodeId> hashes(int n) {
    List<NodeId> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(randomId());
    }
    return out;
  }

  @Test
  void aReadSeesEverySampleAndWriteHandedOverBeforeIt() throws Exception {
    Contact reporter = contact(1);
    List<NodeId> sampled = hashes(30);
    try (CrawlRecorder recorder = new CrawlRecorder(CrawlDatabase.open(dir.resolve("a.db")))) {
      recorder.discovered(reporter, NOW);
      recorder.answered(reporter, "LT01", 12, NOW + 5, 1, 30, 60);
      recorder.samples(reporter.id(), sampled, NOW + 5);
      // Far fewer writes than wake the writer: the read must still come after them.
      long seen = recorder.read(db -> sampled.stream()
          .filter(h -> db.infohash(h).isPresent()).count()).get(10, TimeUnit.SECONDS);
      assertEquals(sampled.size(), seen);
      assertEquals(sampled.size(), recorder.infohashCount());
      String version = recorder.read(db -> db.node(reporter.id().hex()).orElseThrow().version())
          .get(10, TimeUnit.SECONDS);
      assertEquals("LT01", version);
    }
  }

  @Test
  void closingWritesHeldBackSamplesAndACommitMakesThemDurable() throws Exception {
    Path file = dir.resolve("b.db");
    Contact a = contact(2);
    Contact b = contact(3);
    List<NodeId> shared = hashes(5);
    List<NodeId> onlyB = hashes(7);
    try (CrawlRecorder recorder = new CrawlRecorder(CrawlDatabase.open(file))) {
      recorder.samples(a.id(), shared, NOW);
      List<NodeId> fromB = new ArrayList<>(shared);
      fromB.addAll(onlyB);
      recorder.samples(b.id(), fromB, NOW + 1_000);
      recorder.commit().get(10, TimeUnit.SECONDS);
      assertEquals(12, recorder.infohashCount());
      recorder.samples(b.id(), hashes(3), NOW + 2_000);
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      assertEquals(15, db.infohashCount());
      CrawlInfohash twice = db.infohash(shared.get(0)).orElseThrow();
      assertEquals(2, twice.reporters());
      assertEquals(NOW, twice.firstSeenMillis());
      assertEquals(NOW + 1_000, twice.lastSeenMillis());
      assertEquals(1, db.infohash(onlyB.get(0)).orElseThrow().reporters());
    }
  }

  /**
   * A sweep claims nodes (and commits) every 10 ms; the infohash reports held back between
   * claims must still reach the file within about a second, or a SIGKILL loses them all.
   */
  @Test
  void heldBackSamplesAreCommittedWithinSecondsWhileClaimsCommitAllTheTime() throws Exception {
    Path file = dir.resolve("claims.db");
    List<NodeId> sampled = hashes(40);
    CrawlRecorder recorder = new CrawlRecorder(CrawlDatabase.open(file));
    try {
      recorder.samples(randomId(), sampled, NOW);
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
      for (int i = 0; i < 1_000 && System.nanoTime() < end; i++) {
        recorder.claim(1, List.of(contact(1 + i % 250)), NOW + i).get(10, TimeUnit.SECONDS);
      }
    } finally {
      recorder.abandon();  // as SIGKILL: nothing more is written or committed
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      assertEquals(sampled.size(), db.infohashCount(), "held-back reports lost at the crash");
    }
  }

  @Test
  void manyWritesWithoutAReadAllArrive() throws Exception {
    Path file = dir.resolve("c.db");
    List<Contact> nodes = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      nodes.add(contact(1 + i % 250));
    }
    try (CrawlRecorder recorder = new CrawlRecorder(CrawlDatabase.open(file))) {
      for (Contact c : nodes) {
        recorder.discovered(c, NOW);
      }
      // Only the writer's own round ends this wait: no read, commit or claim wakes it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (recorder.backlog() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(0, recorder.backlog());
    }
    try (CrawlDatabase db = CrawlDatabase.open(file)) {
      assertEquals(nodes.size(), db.nodeCount());
      assertTrue(nodes.stream().allMatch(c -> db.node(c.id().hex()).isPresent()));
    }
  }

  @Test
  void onTheLoopWritesLandThereFromAnyThreadAndClaimsAnswerAtOnce() throws Exception {
    EventLoopGroup group = EventLoops.newGroup(1);
    CrawlDatabase db = CrawlDatabase.inMemory();
    Contact a = contact(4);
    Contact b = contact(5);
    List<NodeId> sampled = hashes(25);
    try (CrawlRecorder recorder = new CrawlRecorder(db, group.next())) {
      EventLoop loop = group.next();
      // From the loop (as the sweep calls it) and from another thread (this one).
      loop.submit(() -> {
        recorder.discovered(a, NOW);
        recorder.answered(a, "UT01", 7, NOW + 1, 1, 25, 60);
        recorder.samples(a.id(), sampled, NOW + 1);
      }).get(10, TimeUnit.SECONDS);
      recorder.discovered(b, NOW + 2);
      List<SweepHooks.Admission> first = recorder.claim(3, List.of(a, b), NOW + 3)
          .get(10, TimeUnit.SECONDS);
      assertEquals(List.of(SweepHooks.Verdict.ASK, SweepHooks.Verdict.ASK),
          first.stream().map(SweepHooks.Admission::verdict).toList());
      assertEquals(SweepHooks.Verdict.SKIP, recorder.claim(3, List.of(a), NOW + 4)
          .get(10, TimeUnit.SECONDS).get(0).verdict(), "claimed already in sweep 3");
      Thread writer = recorder.read(d -> Thread.currentThread()).get(10, TimeUnit.SECONDS);
      assertTrue(loop.submit(() -> Thread.currentThread() == writer).get(10, TimeUnit.SECONDS),
          "the database is read and written on the loop");
      assertEquals(25, recorder.infohashCount());
      assertEquals("UT01", recorder.read(d -> d.node(a.id().hex()).orElseThrow().version())
          .get(10, TimeUnit.SECONDS));
      assertEquals(2L, (long) recorder.read(CrawlDatabase::nodeCount).get(10, TimeUnit.SECONDS));
      CompletableFuture<Object> failing = recorder.read(d -> {
        throw new IllegalStateException("a read that fails");
      });
      assertThrows(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
      recorder.discovered(contact(6), NOW + 5);
      assertEquals(3L, (long) recorder.read(CrawlDatabase::nodeCount).get(10, TimeUnit.SECONDS),
          "a failed read does not stop the recording");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    assertTrue(sampled.stream().allMatch(h -> db.infohash(h).isPresent()));
  }
}
