package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Queries to dead nodes and the cap on queries in flight, on a testnet of its own (2 000 nodes
 * on 127.0.170.1 upward, port 29700, 10% of them dead after convergence; the crawler on
 * 127.0.180.1).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeadNodesInFlightTest {
  private static final int NODES = 2_000;
  private static final double DEAD = 0.1;
  private static Testnet net;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(NODES)
        .withBase(Testnet.loopback(127, 0, 170, 1), 29700)
        .withCrawlTruth(20, DEAD, 0.2));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void overdueQueriesToDeadNodesGiveUpTheirPlaceInFlight() {
    // 8 queries in flight, no rate cap, 1 s timeouts. Were each query to one of the 200 dead
    // nodes to hold one of the 8 places until it times out, the sweep would take 25 s at the
    // least. Overdue, they hold one of 8 more (the cap on all queries in flight).
    DhtNode crawlerNode = CrawlTestSupport.node(null, 180, 1, 29700, net.entryPoint());
    try {
      long t0 = System.nanoTime();
      CrawlSummary s = Crawler.start(crawlerNode, CrawlSettings.defaults().withEstimates(false)
          .withRate(1_000_000).withMaxInFlight(8).withQueryTimeout(Duration.ofSeconds(1))
          .withDuration(Duration.ofSeconds(80)), null).join();
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("8 in flight, uncapped, 10%% dead: %.1f s, %s%n", seconds, s);
      assertTrue(s.complete(), "sweep did not complete: " + s);
      assertTrue(s.timeouts() >= 0.9 * DEAD * NODES, "the sweep asked the dead nodes: " + s);
      assertTrue(seconds < 20, "took " + seconds + " s");
    } finally {
      crawlerNode.close();
    }
  }
}
