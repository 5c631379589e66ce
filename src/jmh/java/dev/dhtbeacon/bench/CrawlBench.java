package dev.dhtbeacon.bench;

import dev.dhtbeacon.crawl.CrawlListener;
import dev.dhtbeacon.crawl.CrawlSettings;
import dev.dhtbeacon.crawl.CrawlSummary;
import dev.dhtbeacon.crawl.Crawler;
import dev.dhtbeacon.krpc.EventLoops;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Crawl harness (a benchmark, not a test). Starts an N-node loopback testnet with the crawl
 * truth of issue 4 (20 infohashes per node, 10% dead, 20% without BEP 51), then runs crawls
 * from fresh crawler nodes, each on its own address and its own event loop so that its CPU
 * time can be told apart from the testnet's, which shares the JVM.
 *
 * <ul>
 *   <li>{@code sweep N SEED RATE...}: one sweep per rate ({@code 0} = no cap), estimates off.
 *       Prints wall time, coverage of the live nodes, queries per live node, and the
 *       crawler's packets (queries sent + replies received) per second of wall time and per
 *       second of CPU time of the crawler's own threads (event loop, database writer,
 *       callbacks): the per-core figure; and per second of the event loop's CPU time alone
 *       (the database writer runs on its own thread).
 *   <li>{@code estimate N SEED RUNS}: RUNS full crawls (sweep + both size estimates, as
 *       {@code dhtbeacon crawl} runs them) at the default rate; prints each estimate's error
 *       against the true live count.
 * </ul>
 *
 * <p>{@code -Dcrawlbench.memory=true} crawls into an in-memory database instead of a MapDB
 * file (to tell the event loop's cost from the file database's); {@code
 * -Dcrawlbench.progress=true} prints the crawl's progress line every second to stderr; {@code
 * -Dcrawlbench.dead=F} makes a fraction F of the nodes dead instead of 0.1; {@code
 * -Dcrawlbench.refresh=true} refreshes every testnet node's buckets first
 * ({@link Testnet.Options#withBucketRefresh}: tables of a network that has run a while).
 *
 * <p>Run (see BENCHMARKS.md):
 * <pre>
 * java -Xmx16g -cp "$CP" dev.dhtbeacon.bench.CrawlBench sweep 5000 1 500 5000 0
 * java -Xmx8g -cp "$CP" dev.dhtbeacon.bench.CrawlBench estimate 2000 1 5
 * </pre>
 */
public final class CrawlBench {
  /** "No cap": far above what two cores can send. */
  private static final double UNCAPPED = 1_000_000;

  private CrawlBench() {
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int nodes = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    long t0 = System.nanoTime();
    double dead = Double.parseDouble(System.getProperty("crawlbench.dead", "0.1"));
    Testnet.Options options = Testnet.Options.of(nodes).withSeed(seed)
        .withBase(Testnet.loopback(127, 1, 0, 1), 6881).withCrawlTruth(20, dead, 0.2);
    try (Testnet net = Testnet.start(Boolean.getBoolean("crawlbench.refresh")
        ? options.withBucketRefresh() : options)) {
      int live = net.liveNodes().size();
      System.out.printf("testnet nodes=%d live=%d ready_s=%.1f%n", nodes, live,
          (System.nanoTime() - t0) / 1e9);
      int crawler = 1;
      if (mode.equals("sweep")) {
        for (int i = 3; i < args.length; i++) {
          double rate = Double.parseDouble(args[i]);
          sweep(net, crawler++, rate == 0 ? UNCAPPED : rate, live);
        }
      } else if (mode.equals("estimate")) {
        int runs = Integer.parseInt(args[3]);
        for (int run = 0; run < runs; run++) {
          estimate(net, crawler++, live);
        }
      } else {
        throw new IllegalArgumentException("mode: sweep or estimate");
      }
    }
  }

  private static void sweep(Testnet net, int crawler, double rate, int live) throws Exception {
    EventLoopGroup group = EventLoops.newGroup(1);
    Path dir = Files.createTempDirectory("crawlbench");
    DhtNode node = crawlerNode(net, crawler, group);
    try (CrawlerThreads threads = new CrawlerThreads(node)) {
      long cpu0 = threads.cpuNanos();
      long loop0 = threads.loopNanos();
      long t0 = System.nanoTime();
      CrawlSettings settings = CrawlSettings.defaults().withRate(rate).withEstimates(false);
      List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
      if (!Boolean.getBoolean("crawlbench.memory")) {
        settings = settings.withDatabase(dir.resolve("crawl.db"));
      }
      CrawlSummary s = Crawler.start(node, settings
          .withDuration(Duration.ofMinutes(10)), p -> {
            lines.add(p.line());
            if (Boolean.getBoolean("crawlbench.progress")) {
              System.err.println(p.line());
            }
          }).join();
      if (s.seconds() > 12) {
        System.err.println("slow sweep (" + s.seconds() + " s), its progress:");
        lines.forEach(System.err::println);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (threads.cpuNanos() - cpu0) / 1e9;
      double loop = (threads.loopNanos() - loop0) / 1e9;
      node.close();
      long packets = s.queriesSent() + s.nodesAnswered();
      System.out.printf("sweep rate=%s wall_s=%.2f crawl_s=%.2f complete=%s answered=%d live=%d "
              + "coverage=%.2f%% queries=%d per_live=%.3f packets=%d pps_wall=%.0f "
              + "crawler_cpu_s=%.2f pps_per_core=%.0f loop_cpu_s=%.2f pps_per_loop_core=%.0f%n",
          rate >= UNCAPPED ? "none" : String.format("%.0f", rate), wall, s.seconds(),
          s.complete(),
          s.nodesAnswered(), live, 100.0 * Math.min(s.nodesAnswered(), live) / live,
          s.queriesSent(), (double) s.queriesSent() / live, packets, packets / wall, cpu,
          packets / cpu, loop, packets / loop);
    } finally {
      node.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      deleteQuietly(dir);
    }
  }

  private static void estimate(Testnet net, int crawler, int live) throws Exception {
    EventLoopGroup group = EventLoops.newGroup(1);
    DhtNode node = crawlerNode(net, crawler, group);
    try {
      CrawlSummary s = Crawler.start(node, CrawlSettings.defaults()
          .withDuration(Duration.ofMinutes(5)), p -> { }).join();
      System.out.printf("estimate live=%d zone=%.0f±%.0f (%+.1f%%) lookup=%.0f±%.0f (%+.1f%%)"
              + " seconds=%.1f%n", live,
          s.estimateZone().estimate(), s.estimateZone().standardError(),
          100 * (s.estimateZone().estimate() / live - 1),
          s.estimateLookup().estimate(), s.estimateLookup().standardError(),
          100 * (s.estimateLookup().estimate() / live - 1), s.seconds());
    } finally {
      node.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static DhtNode crawlerNode(Testnet net, int index, EventLoopGroup group) {
    return DhtNode.builder()
        .network(NetworkMode.LOOPBACK)
        .bind(new InetSocketAddress(Testnet.loopback(127, 0, 250, index), 6881))
        .bootstrap(List.of(net.entryPoint()))
        .eventLoopGroup(group)
        .build()
        .start()
        .join();
  }

  /**
   * CPU time of the crawler's own threads: its node's event loop, found by running a task on
   * it, and the threads the crawl starts ("crawl-" by name). Sampled every 20 ms, since a
   * finished thread's CPU time can no longer be read.
   */
  private static final class CrawlerThreads implements AutoCloseable {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> lastSeen = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "bench-sampler");
          t.setDaemon(true);
          return t;
        });
    private final long loopThread;

    CrawlerThreads(DhtNode node) throws Exception {
      // Renamed so that a thread dump tells the crawler's loop from the testnet's (JFR keeps
      // the name the thread started with: dht-loop-N-1, N > 1).
      loopThread = node.eventLoop().submit(() -> {
        Thread.currentThread().setName("crawler-loop");
        return Thread.currentThread().getId();
      }).get();
      sampler.scheduleAtFixedRate(this::sample, 0, 20, TimeUnit.MILLISECONDS);
    }

    private void sample() {
      List<Long> ids = new ArrayList<>(List.of(loopThread));
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().startsWith("crawl-")) {
          ids.add(t.getId());
        }
      }
      for (long id : ids) {
        long cpu = mx.getThreadCpuTime(id);
        if (cpu > 0) {
          lastSeen.merge(id, cpu, Math::max);
        }
      }
    }

    long cpuNanos() {
      sample();
      return lastSeen.values().stream().mapToLong(Long::longValue).sum();
    }

    /** CPU time of the event loop alone: KRPC in and out and the sweep's decisions. */
    long loopNanos() {
      sample();
      return lastSeen.getOrDefault(loopThread, 0L);
    }

    @Override
    public void close() {
      sampler.shutdownNow();
    }
  }

  private static void deleteQuietly(Path dir) throws IOException {
    List<Path> all = new ArrayList<>();
    try (var walk = Files.walk(dir)) {
      walk.forEach(all::add);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      Files.deleteIfExists(all.get(i));
    }
  }
}
