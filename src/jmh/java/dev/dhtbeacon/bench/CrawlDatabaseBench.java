package dev.dhtbeacon.bench;

import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.store.CrawlDatabase;
import dev.dhtbeacon.store.InfohashReport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 *   <li>{@code file-batch-C}: {@link CrawlDatabase#open} (MapDB file, transactions, mmap),
 *       reports handed over {@code C} at a time, each batch committed: 10 000 is a second of
 *       a crawl at the default 500 queries a second, 50 000 the most the crawler's writer
 *       holds back (half a second uncapped);
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
          reportAll(db, hashes, reporter, 5_000);
        }
      });
      for (int batch : new int[] {1_000, 10_000, 50_000}) {
        Path dir = Files.createTempDirectory("crawldbbench");
        try {
          report("file-batch-" + batch, n, () -> {
            try (CrawlDatabase db = CrawlDatabase.open(dir.resolve("crawl.db"))) {
              reportAll(db, hashes, reporter, batch);
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
      int batch) {
    List<InfohashReport> reports = new ArrayList<>();
    for (int i = 0; i < hashes.length; i++) {
      reports.add(new InfohashReport(hashes[i], reporter, 1_700_000_000_000L + i));
      if (reports.size() == batch || i == hashes.length - 1) {
        db.reportInfohashes(reports);
        db.commit();
        reports.clear();
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
