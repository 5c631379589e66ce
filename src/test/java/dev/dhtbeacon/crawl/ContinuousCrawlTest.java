package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.crawl.CrawlTestSupport.SendLog;
import dev.dhtbeacon.crawl.CrawlTestSupport.Sent;
import dev.dhtbeacon.node.BootFile;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.ReceiveLog;
import dev.dhtbeacon.node.Testnet;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous mode on a 200-node testnet (127.0.122.x) with a clock the test moves: sweeps
 * follow each other, BEP 51 nodes wait out their 60 s interval, nodes that failed twice are
 * left alone, and the healthiest nodes land in a {@code .boot} file.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ContinuousCrawlTest {
  @TempDir
  Path dir;

  /** Wall time that only moves when told to. */
  static final class ManualClock extends Clock {
    final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  @Test
  void sweepsRespectIntervalsAndSkipNodesThatFailedTwice() throws Exception {
    ManualClock clock = new ManualClock();
    SendLog sends = new SendLog();
    Path boot = dir.resolve("crawl.boot");
    List<CrawlSummary> sweeps = new CopyOnWriteArrayList<>();
    try (Testnet net = Testnet.start(Testnet.Options.of(200)
        .withBase(Testnet.loopback(127, 0, 122, 1), 28000).withCrawlTruth(5, 0.1, 0.2))) {
      ReceiveLog log = new ReceiveLog();
      log.attach(net.nodes());
      DhtNode crawlerNode = CrawlTestSupport.node(log, 122, 240, 28000, net.entryPoint());
      try (Crawler crawler = Crawler.open(crawlerNode, CrawlSettings.defaults()
          .withDuration(null).withEstimates(false).withRate(2_000)
          .withQueryTimeout(Duration.ofMillis(400)).withBootOut(boot)
          .withTime(clock, System::nanoTime), sends)) {
        crawler.runContinuously(Duration.ZERO, sweeps::add);
        await(() -> sweeps.size() >= 1, 30);
        CrawlSummary first = sweeps.get(0);
        assertTrue(first.complete());
        List<dev.dhtbeacon.routing.Contact> saved = BootFile.load(boot).contacts();
        assertTrue(saved.size() >= 150, saved.size() + " nodes in the .boot file");

        // Sweep 2 runs at once, but no BEP 51 node may be asked again for 60 s.
        long secondStarted = System.nanoTime();
        Thread.sleep(3_000);
        assertEquals(1, sweeps.size(), "sweep 2 must wait for the BEP 51 interval");
        // Live ones: a dead node gave no interval, and is asked again (it may be back).
        Set<InetSocketAddress> live = new HashSet<>();
        for (DhtNode n : net.liveNodes()) {
          live.add(n.address());
        }
        Map<InetSocketAddress, Integer> samplesSoFar = count(sends, "sample_infohashes");
        int askedAgainEarly = 0;
        for (Map.Entry<InetSocketAddress, Integer> e : samplesSoFar.entrySet()) {
          if (live.contains(e.getKey()) && e.getValue() > 1) {
            askedAgainEarly++;
          }
        }
        assertEquals(0, askedAgainEarly, "a node was asked for samples again within 60 s");
        // Nodes without BEP 51 gave no interval: sweep 2 asks them again, in keyspace order.
        await(() -> sends.sent.stream().filter(x -> x.nanoTime() > secondStarted
            && x.method().equals("find_node")).count() >= 5, 15);

        clock.millis.addAndGet(61_000);
        await(() -> sweeps.size() >= 2, 30);
        assertTrue(sweeps.get(1).complete());
        clock.millis.addAndGet(61_000);
        await(() -> sweeps.size() >= 3, 30);
      } finally {
        crawlerNode.close();
      }
      // Dead nodes: asked in sweeps 1 and 2, never in sweep 3.
      Map<InetSocketAddress, Integer> all = count(sends, null);
      Set<InetSocketAddress> liveSet = new HashSet<>();
      net.liveNodes().forEach(n -> liveSet.add(n.address()));
      int deadAskedThrice = 0;
      int deadSeen = 0;
      for (DhtNode n : net.nodes()) {
        if (!liveSet.contains(n.address()) && all.containsKey(n.address())) {
          deadSeen++;
          if (all.get(n.address()) > 2) {
            deadAskedThrice++;
          }
        }
      }
      System.out.printf("continuous: %d sweeps, %s%n  %d dead nodes seen, %d asked a third"
          + " time%n", sweeps.size(), sweeps, deadSeen, deadAskedThrice);
      assertTrue(deadSeen >= 15);
      assertEquals(0, deadAskedThrice, "a node that failed twice was asked again");
    }
  }

  private static Map<InetSocketAddress, Integer> count(SendLog sends, String method) {
    Map<InetSocketAddress, Integer> out = new HashMap<>();
    for (Sent s : sends.sent) {
      if (method == null || s.method().equals(method)) {
        out.merge(s.to().address(), 1, Integer::sum);
      }
    }
    return out;
  }

  private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out after " + seconds + " s");
      }
      Thread.sleep(50);
    }
  }
}
