package dev.dhtbeacon.bench;

import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.store.CrawlDatabase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * CPU per infohash report in the crawl database (a benchmark, not a test): the read, update
 * and write of one infohash record, {@code N} distinct infohashes from one reporter each, on
 * the calling thread, as the crawler's writer thread does them.
 *
 * <ul>
 *   <li>{@code file-commit-C}: {@link CrawlDatabase#open} (MapDB file, transactions, mmap),
 *       committed every {@code C} reports: 1 000 is about what the 10 ms claim commits gave
 *       before reports were batched, 20 000 what the batched writer does;
 *   <li>{@code memory}: {@link CrawlDatabase#inMemory} (records as objects in a hash map);
 *   <li>{@code mapdb-memory}, {@code mapdb-heap}: MapDB's serialised in-memory store and its
 *       heap store, the two in-memory stores replaced; map operations only (a get and a put of
 *       a 60-byte value).
 * </ul>
 *
 * <pre>
 * java -cp "$CP" dev.dhtbeacon.bench.CrawlDatabaseBench 100000
 * </pre>
 */
public final class CrawlDatabaseBench {
  private static final int RUNS = 3;

  private CrawlDatabaseBench() {
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Random random = new Random(1);
    NodeId[] hashes = new NodeId[n];
    for (int i = 0; i < n; i++) {
      hashes[i] = NodeId.random(random);
    }
    byte[] reporter = new byte[20];
    random.nextBytes(reporter);
    for (int run = 0; run < RUNS; run++) {
      report("memory", n, () -> {
        try (CrawlDatabase db = CrawlDatabase.inMemory()) {
          reportAll(db, hashes, reporter, Integer.MAX_VALUE);
        }
      });
      for (int commitEvery : new int[] {1_000, 20_000}) {
        Path dir = Files.createTempDirectory("crawldbbench");
        try {
          report("file-commit-" + commitEvery, n, () -> {
            try (CrawlDatabase db = CrawlDatabase.open(dir.resolve("crawl.db"))) {
              reportAll(db, hashes, reporter, commitEvery);
            }
          });
        } finally {
          deleteQuietly(dir);
        }
      }
      report("mapdb-memory", n, () -> mapdbStore(DBMaker.memoryDB().make(), hashes));
      report("mapdb-heap", n, () -> mapdbStore(DBMaker.heapDB().make(), hashes));
    }
  }

  private static void reportAll(CrawlDatabase db, NodeId[] hashes, byte[] reporter,
      int commitEvery) {
    for (int i = 0; i < hashes.length; i++) {
      db.reportInfohash(hashes[i], reporter, 1_700_000_000_000L + i);
      if ((i + 1) % commitEvery == 0) {
        db.commit();
      }
    }
  }

  /** What CrawlDatabase did before, in a MapDB store: get, then put a ~60-byte record. */
  private static void mapdbStore(DB db, NodeId[] hashes) {
    try (db) {
      HTreeMap<String, byte[]> map = db.hashMap("crawl-infohashes", Serializer.STRING,
          Serializer.BYTE_ARRAY).counterEnable().createOrOpen();
      byte[] value = new byte[60];
      for (NodeId h : hashes) {
        map.get(h.hex());
        map.put(h.hex(), value);
      }
    }
  }

  private interface Work {
    void run() throws Exception;
  }

  private static void report(String name, int n, Work work) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    work.run();
    double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
    double wall = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%-18s n=%d cpu_s=%.2f wall_s=%.2f us_per_report=%.2f%n", name, n, cpu,
        wall, cpu * 1e6 / n);
  }

  private static void deleteQuietly(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
