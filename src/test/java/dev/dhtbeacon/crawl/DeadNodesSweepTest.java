package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sweep among many dead nodes keeps sending: when everything it has in flight went to dead
 * nodes, no reply will wake it, and it must come back by itself once those queries have gone
 * unanswered for the settle time, not a second later. 1 000 nodes on 127.0.180.1 upward, 30%
 * dead; the crawler on 127.0.185.1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeadNodesSweepTest {
  @Test
  void aSweepAmongManyDeadNodesNeverSitsIdleForASecond() {
    try (Testnet net = Testnet.start(Testnet.Options.of(1_000)
        .withBase(Testnet.loopback(127, 0, 180, 1), 29800).withCrawlTruth(5, 0.3, 0.2))) {
      DhtNode crawlerNode = CrawlTestSupport.node(null, 185, 1, 29800, net.entryPoint());
      try {
        CrawlTestSupport.SendLog sends = new CrawlTestSupport.SendLog();
        long t0 = System.nanoTime();
        CrawlSummary s = Crawler.start(crawlerNode, CrawlSettings.defaults()
            .withEstimates(false).withDuration(Duration.ofSeconds(60)), sends).join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Long> times = new ArrayList<>();
        sends.sent.forEach(x -> times.add(x.nanoTime()));
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
          longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
        System.out.printf("30%% dead: %.1f s, %d queries, %d timeouts, %d answered of %d live,"
            + " longest pause between sends %d ms%n", seconds, s.queriesSent(), s.timeouts(),
            s.nodesAnswered(), net.liveNodes().size(), TimeUnit.NANOSECONDS.toMillis(longest));
        assertTrue(s.complete(), "sweep did not complete: " + s);
        // The pump's fallback timer is 1 s; queries to dead nodes settle after 50 ms here.
        assertTrue(longest < TimeUnit.MILLISECONDS.toNanos(700), "the sweep sat idle for "
            + TimeUnit.NANOSECONDS.toMillis(longest) + " ms");
      } finally {
        crawlerNode.close();
      }
    }
  }
}
