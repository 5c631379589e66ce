package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.crawl.CrawlTestSupport.SendLog;
import dev.dhtbeacon.crawl.CrawlTestSupport.Sent;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.ReceiveLog;
import dev.dhtbeacon.node.ReceiveLog.Received;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.store.CrawlDatabase;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's acceptance figures on one shared 2 000-node loopback testnet (127.0.110.1 upward,
 * port 28000): 10% of the nodes dead, 20% without BEP 51, 20 infohashes per node, and every
 * bucket refreshed once before the dead nodes went silent, so the tables are those of a network
 * that has run a while (a median of about 70 entries, not the 23 the joins leave). Crawler nodes
 * sit on 127.0.120.x. What nodes received is logged at the testnet nodes themselves (the
 * external truth); dead nodes drop queries unseen, so they are checked in the crawler's own
 * send log.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TestnetCrawlTest {
  private static final int NODES = 2_000;
  private static final ReceiveLog LOG = new ReceiveLog();
  private static Testnet net;
  private static Set<InetSocketAddress> live;

  @TempDir
  Path dir;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(NODES)
        .withBase(Testnet.loopback(127, 0, 110, 1), 28000)
        .withCrawlTruth(20, 0.1, 0.2).withBucketRefresh());
    LOG.attach(net.nodes());
    live = new HashSet<>();
    net.liveNodes().forEach(n -> live.add(n.address()));
  }

  @AfterAll
  static void stopTestnet() {
    LOG.close();
    if (net != null) {
      net.close();
    }
  }

  @Test
  void oneSweepReachesLiveNodesOnceEachAndRecallsTheirInfohashes() throws Exception {
    SendLog sends = new SendLog();
    Path db = dir.resolve("crawl.db");
    DhtNode crawlerNode = CrawlTestSupport.node(LOG, 120, 1, 28000, net.entryPoint());
    DhtNode oracle = CrawlTestSupport.node(null, 120, 250, 28000, net.entryPoint());
    try {
      long t0 = System.nanoTime();
      CrawlSummary s = Crawler.start(crawlerNode, CrawlSettings.defaults().withDatabase(db)
          .withEstimates(false).withDuration(Duration.ofSeconds(75)), sends).join();
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<InetSocketAddress, Integer> received =
          LOG.counts("sample_infohashes", Set.of(crawlerNode.id()));
      Map<InetSocketAddress, Integer> perDestination = sends.perDestination();
      long reached = live.stream().filter(received::containsKey).count();
      int maxReceived = received.values().stream().max(Integer::compare).orElse(0);
      int maxSent = perDestination.values().stream().max(Integer::compare).orElse(0);
      double perLive = (double) sends.sent.size() / live.size();

      // The truth: what each live node holds, asked by another node after the crawl.
      Map<InetSocketAddress, List<NodeId>> truth = holdings(oracle);
      Set<String> recalled = new HashSet<>();
      try (CrawlDatabase read = CrawlDatabase.open(db)) {
        read.forEachInfohash((hash, record) -> recalled.add(hash.hex()));
      }
      long all = 0;
      long hit = 0;
      long allReached = 0;
      long hitReached = 0;
      for (Map.Entry<InetSocketAddress, List<NodeId>> e : truth.entrySet()) {
        for (NodeId h : e.getValue()) {
          boolean r = recalled.contains(h.hex());
          all++;
          hit += r ? 1 : 0;
          if (received.containsKey(e.getKey())) {
            allReached++;
            hitReached += r ? 1 : 0;
          }
        }
      }
      System.out.printf("sweep: %.1f s, %s%n  reached %d/%d live (%.2f%%), %d queries = %.3f"
          + " per live node, at most %d received / %d sent per node%n  infohash recall %d/%d"
          + " (%.2f%%) overall, %d/%d from the BEP 51 nodes reached%n", seconds, s, reached,
          live.size(), 100.0 * reached / live.size(), sends.sent.size(), perLive, maxReceived,
          maxSent, hit, all, 100.0 * hit / all, hitReached, allReached);
      assertTrue(s.complete(), "sweep did not complete: " + s);
      assertTrue(reached >= 0.99 * live.size(), "reached " + reached + " of " + live.size());
      assertTrue(perLive <= 1.5, "queries per live node " + perLive);
      assertEquals(1, maxReceived, "a live node received two crawl queries");
      assertEquals(1, maxSent, "a node was sent two crawl queries");
      assertEquals(allReached, hitReached, "an infohash of a reached node was not recalled");
      assertTrue(hit >= 0.99 * all, "recall " + hit + " of " + all);
    } finally {
      crawlerNode.close();
      oracle.close();
    }
  }

  /** Every infohash each live BEP 51 node holds (20 each, one reply holds up to 40). */
  private static Map<InetSocketAddress, List<NodeId>> holdings(DhtNode oracle) {
    Map<InetSocketAddress, List<NodeId>> out = new HashMap<>();
    List<DhtNode> nodes = net.liveNodes();
    for (int from = 0; from < nodes.size(); from += 50) {
      Map<DhtNode, CompletableFuture<Reply>> batch = new HashMap<>();
      for (DhtNode n : nodes.subList(from, Math.min(nodes.size(), from + 50))) {
        batch.put(n, ask(oracle, n));
      }
      batch.forEach((n, f) -> {
        // One retry: a burst of replies can overflow a socket buffer on a loaded machine.
        Reply reply = f.exceptionallyCompose(e -> ask(oracle, n)).join();
        if (reply instanceof Response r && r.interval() != null) {
          out.put(n.address(), r.samples());
        }
      });
    }
    return out;
  }

  private static CompletableFuture<Reply> ask(DhtNode oracle, DhtNode n) {
    return oracle.queryOnLoop(new Contact(n.id(), n.address()),
        new QueryArgs.SampleInfohashes(n.id(), Want.UNSPECIFIED), 3_000);
  }

  @Test
  void zoneEstimateLandsWithinTenPercentAndTheUncorrectedCountIsLow() {
    DhtNode crawlerNode = CrawlTestSupport.node(LOG, 120, 2, 28000, net.entryPoint());
    try {
      CrawlSettings settings = CrawlSettings.defaults();
      CrawlRateLimiter limiter = new CrawlRateLimiter(settings.rate(), settings.burst(),
          settings.perIpRate(), settings.perIpBurst(), settings.nanoTime());
      // A rough guess 25% off, as the sweep's density extrapolation gives.
      ZoneSizeEstimator.Result r = ZoneSizeEstimator.estimate(crawlerNode, 2_500, limiter,
          settings, System.nanoTime() + 60_000_000_000L, new Random(4)).join();
      double truth = live.size();
      double estimate = r.estimate().estimate();
      System.out.printf("zone estimate: %.0f ± %.0f for %d live (%+.1f%%); %d-bit zones, %d"
          + " zones; n1 %d, n2 %d, m %d; uncorrected %.0f (%+.1f%%), union %.0f (%+.1f%%)%n",
          estimate, r.estimate().standardError(), live.size(), 100 * (estimate / truth - 1),
          r.prefixBits(), r.zones(), r.captured1(), r.captured2(), r.recaptured(),
          r.uncorrected(), 100 * (r.uncorrected() / truth - 1), r.union(),
          100 * (r.union() / truth - 1));
      assertEquals(truth, estimate, 0.1 * truth, "zone estimate off by more than 10%");
      // A pass asks 80% of the nodes it hears of, so one pass alone reads ~20% low.
      assertTrue(r.uncorrected() < 0.9 * truth, "one pass alone should miss many nodes");
      assertTrue(r.union() < truth, "both passes united still miss nodes");
      // The error includes the zones' jackknife (observed 4-6% here when passes asked 60%,
      // 2.7-3.9% at 80%), which the equal-catchability model alone understated.
      assertTrue(r.estimate().standardError() > 0
          && r.estimate().standardError() < 0.1 * truth, "standard error " + r.estimate());
    } finally {
      crawlerNode.close();
    }
  }

  @Test
  void rateCapHoldsOverEveryOneSecondWindow() {
    SendLog sends = new SendLog();
    DhtNode crawlerNode = CrawlTestSupport.node(LOG, 120, 3, 28000, net.entryPoint());
    double rate = 250;
    try {
      CrawlSettings settings = CrawlSettings.defaults().withRate(rate).withEstimates(false)
          .withDuration(Duration.ofSeconds(6));
      Crawler.start(crawlerNode, settings, sends).join();
      List<Long> sent = new ArrayList<>();
      sends.sent.forEach(x -> sent.add(x.nanoTime()));
      List<Long> got = new ArrayList<>();
      for (Received r : LOG.all()) {
        if (r.from().equals(crawlerNode.id()) && r.method().equals("sample_infohashes")) {
          got.add(r.nanoTime());
        }
      }
      int maxSent = maxInWindow(sent, 1_000_000_000L);
      int maxGot = maxInWindow(got, 1_000_000_000L);
      Map<InetSocketAddress, List<Long>> perIp = new HashMap<>();
      for (Sent x : sends.sent) {
        perIp.computeIfAbsent(x.to().address(), k -> new ArrayList<>()).add(x.nanoTime());
      }
      int maxPerIp = perIp.values().stream().mapToInt(l -> maxInWindow(l, 1_000_000_000L))
          .max().orElse(0);
      System.out.printf("rate cap %.0f + burst %.0f: %d queries, at most %d sent and %d received"
          + " in any 1 s window, at most %d per IP%n", rate, settings.burst(), sent.size(),
          maxSent, maxGot, maxPerIp);
      assertTrue(sent.size() > 4 * rate, "the crawl should run at its cap for seconds");
      assertTrue(maxSent <= rate + settings.burst(), maxSent + " sent in one second");
      // Arrival times jitter by a fraction of a millisecond on loopback.
      assertTrue(maxGot <= rate + settings.burst() + 2, maxGot + " received in one second");
      assertTrue(maxPerIp <= settings.perIpBurst() + settings.perIpRate());
    } finally {
      crawlerNode.close();
    }
  }

  /** The most timestamps in any half-open window [t, t + width) starting at a timestamp. */
  static int maxInWindow(List<Long> times, long width) {
    List<Long> sorted = new ArrayList<>(times);
    sorted.sort(null);
    int best = 0;
    int j = 0;
    for (int i = 0; i < sorted.size(); i++) {
      while (j < sorted.size() && sorted.get(j) - sorted.get(i) < width) {
        j++;
      }
      best = Math.max(best, j - i);
    }
    return best;
  }

  @Test
  void aCrawlKilledMidSweepResumesWithoutAskingAnyoneTwice() throws Exception {
    Path db = dir.resolve("killed.db");
    SendLog first = new SendLog();
    DhtNode nodeA = CrawlTestSupport.node(LOG, 120, 4, 28000, net.entryPoint());
    Crawler crawler = Crawler.open(nodeA, CrawlSettings.defaults().withRate(300)
        .withDatabase(db).withEstimates(false), first);
    CompletableFuture<CrawlSummary> killed = crawler.sweep();
    long until = System.nanoTime() + 30_000_000_000L;
    while (first.sent.size() < 700 && System.nanoTime() < until && !killed.isDone()) {
      Thread.onSpinWait();
    }
    // SIGKILL in-process: nothing more is committed, the node vanishes.
    crawler.crashForTest();
    nodeA.close();
    int sentBefore = first.sent.size();
    assertFalse(killed.isDone() && !killed.isCompletedExceptionally()
        && killed.join().complete(), "the first crawl finished before it could be killed");

    SendLog second = new SendLog();
    DhtNode nodeB = CrawlTestSupport.node(LOG, 120, 5, 28000, net.entryPoint());
    try {
      CrawlSummary s = Crawler.start(nodeB, CrawlSettings.defaults().withDatabase(db)
          .withEstimates(false).withDuration(Duration.ofSeconds(60)), second).join();
      Map<InetSocketAddress, Integer> received =
          LOG.counts("sample_infohashes", Set.of(nodeA.id(), nodeB.id()));
      Map<InetSocketAddress, Integer> sent = first.perDestination();
      second.perDestination().forEach((a, n) -> sent.merge(a, n, Integer::sum));
      long reached = live.stream().filter(received::containsKey).count();
      int maxReceived = received.values().stream().max(Integer::compare).orElse(0);
      int maxSent = sent.values().stream().max(Integer::compare).orElse(0);
      System.out.printf("crash/resume: %d queries before the kill, %d after; %s%n  reached"
          + " %d/%d live, at most %d received / %d sent per node%n", sentBefore,
          second.sent.size(), s, reached, live.size(), maxReceived, maxSent);
      assertTrue(s.resumed(), "the second crawl should resume the first one's sweep");
      assertEquals(1, s.sweep());
      assertTrue(s.complete());
      assertEquals(1, maxReceived, "a node answered the first crawl and was asked again");
      assertEquals(1, maxSent, "a node was sent two queries across the crash");
      // Answers in flight at the kill are lost with the nodes they named; others name most.
      // Observed 92.9–99.3% over runs; the guarantees under test are the resume and "never
      // twice" above, so this floor only catches a resume that loses the sweep.
      assertTrue(reached >= 0.9 * live.size(), "reached " + reached + " of " + live.size());
    } finally {
      nodeB.close();
    }
  }

  @Test
  void aFullCrawlReportsProgressAndBothEstimates() {
    SendLog sends = new SendLog();
    DhtNode crawlerNode = CrawlTestSupport.node(LOG, 120, 7, 28000, net.entryPoint());
    try {
      CrawlSummary s = Crawler.start(crawlerNode, CrawlSettings.defaults()
          .withDuration(Duration.ofSeconds(75)), sends).join();
      List<CrawlProgress> progress = new ArrayList<>(sends.progress);
      System.out.printf("full crawl: %s%n  %s%n  %d progress lines, last: %s%n", s, s.toMap(),
          progress.size(), progress.get(progress.size() - 1).line());
      assertTrue(s.complete());
      assertTrue(progress.size() >= 3, progress.size() + " progress lines");
      for (int i = 1; i < progress.size(); i++) {
        assertTrue(progress.get(i).queriesSent() >= progress.get(i - 1).queriesSent());
      }
      assertTrue(s.estimateZone() != null && s.estimateLookup() != null, s.toString());
      assertEquals(live.size(), s.estimateZone().estimate(), 0.1 * live.size());
      assertTrue(Double.isFinite(s.estimateLookup().estimate()));
      assertTrue(s.toMap().keySet().containsAll(List.of("nodes_found", "nodes_answered",
          "queries_sent", "infohashes", "estimate_zone", "estimate_lookup", "seconds")));
    } finally {
      crawlerNode.close();
    }
  }

  @Test
  void aSweepHoldingAtMostAThousandNodesInMemoryStillCoversTheKeyspace() {
    SendLog sends = new SendLog();
    DhtNode crawlerNode = CrawlTestSupport.node(LOG, 120, 8, 28000, net.entryPoint());
    try {
      CrawlSummary s = Crawler.start(crawlerNode, CrawlSettings.defaults().withEstimates(false)
          .withMaxTableEntries(1_000).withDuration(Duration.ofSeconds(60)), sends).join();
      Map<InetSocketAddress, Integer> received =
          LOG.counts("sample_infohashes", Set.of(crawlerNode.id()));
      long reached = live.stream().filter(received::containsKey).count();
      int maxSent = sends.perDestination().values().stream().max(Integer::compare).orElse(0);
      System.out.printf("bounded memory (1000 entries): %s%n  reached %d/%d live%n", s,
          reached, live.size());
      assertTrue(s.complete());
      assertEquals(1, maxSent, "a node was sent two crawl queries");
      assertTrue(reached >= 0.97 * live.size(), "reached " + reached + " of " + live.size());
    } finally {
      crawlerNode.close();
    }
  }

  /**
   * Whatever holds a sweep up (here a read that keeps the database's writer busy, so the sweep
   * cannot even load its state), the crawl ends soon after its duration: it fails, instead of
   * running on past what the caller allowed.
   */
  @Test
  void aSweepThatCannotEndFailsSoonAfterItsDuration() throws Exception {
    DhtNode crawlerNode = CrawlTestSupport.node(null, 120, 9, 28000, net.entryPoint());
    CrawlSettings settings = CrawlSettings.defaults().withDatabase(dir.resolve("stuck.db"))
        .withEstimates(false).withDuration(Duration.ofSeconds(1))
        .withQueryTimeout(Duration.ofMillis(100));
    try (Crawler crawler = Crawler.open(crawlerNode, settings, null)) {
      CountDownLatch release = new CountDownLatch(1);
      crawler.readDatabase(db -> awaitQuietly(release));
      long t0 = System.nanoTime();
      CompletableFuture<CrawlSummary> sweep = crawler.sweep();
      try {
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> sweep.get(10, TimeUnit.SECONDS));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getCause().getMessage().contains("did not end"), e.toString());
        // Duration 1 s, then 10 query timeouts of 100 ms.
        assertTrue(seconds >= 1.9 && seconds < 5, "failed after " + seconds + " s");
      } finally {
        release.countDown();
      }
    } finally {
      crawlerNode.close();
    }
  }

  private static boolean awaitQuietly(CountDownLatch latch) {
    try {
      return latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void healthiestNodesAnswerAPing() throws Exception {
    DhtNode crawlerNode = CrawlTestSupport.node(LOG, 120, 6, 28000, net.entryPoint());
    try (Crawler crawler = Crawler.open(crawlerNode, CrawlSettings.defaults()
        .withEstimates(false).withDuration(Duration.ofSeconds(4)), CrawlListener.none())) {
      crawler.sweep().join();
      List<Contact> best = crawler.healthiest(300);
      assertTrue(best.size() >= 250, best.size() + " healthy nodes");
      Set<java.net.InetAddress> ips = new HashSet<>();
      best.forEach(c -> assertTrue(ips.add(c.address().getAddress()), "one node per IP"));
      for (int from = 0; from < best.size(); from += 50) {
        List<CompletableFuture<Reply>> pings = new ArrayList<>();
        for (Contact c : best.subList(from, Math.min(best.size(), from + 50))) {
          pings.add(crawlerNode.ping(c.address())
              .exceptionallyCompose(e -> crawlerNode.ping(c.address())));
        }
        for (CompletableFuture<Reply> p : pings) {
          assertTrue(p.join() instanceof Response, "a healthy node did not answer a ping");
        }
      }
    } finally {
      crawlerNode.close();
    }
  }
}
