package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.EventLoops;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.lookup.LookupMethod;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.ReceiveLog;
import dev.dhtbeacon.node.ReceiveLog.Received;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-IP allowance, measured where it matters: at the receiving nodes, 8 of which share
 * each of 3 loopback addresses (127.0.121.1-3, ports 28000-28007).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrawlPolitenessTest {
  @Test
  void noIpGetsMoreThanItsAllowance() {
    EventLoopGroup group = EventLoops.newGroup(2);
    List<DhtNode> nodes = new ArrayList<>();
    ReceiveLog log = new ReceiveLog();
    DhtNode crawlerNode = null;
    try {
      InetSocketAddress first = new InetSocketAddress(Testnet.loopback(127, 0, 121, 1), 28000);
      for (int port = 0; port < 8; port++) {
        for (int ip = 1; ip <= 3; ip++) {
          InetSocketAddress at = new InetSocketAddress(Testnet.loopback(127, 0, 121, ip),
              28000 + port);
          DhtNode n = DhtNode.builder().network(NetworkMode.LOOPBACK).bind(at)
              .bootstrap(nodes.isEmpty() ? List.of() : List.of(first))
              .eventLoopGroup(group).build();
          nodes.add(n.start().join());
        }
      }
      List<CompletableFuture<?>> converge = new ArrayList<>();
      for (DhtNode n : nodes) {
        converge.add(n.lookup(n.id(), new LookupMethod.FindNode()));
      }
      CompletableFuture.allOf(converge.toArray(CompletableFuture[]::new)).join();
      log.attach(nodes);
      crawlerNode = CrawlTestSupport.node(log, 121, 10, 28000, first);
      CrawlSettings settings = CrawlSettings.defaults().withEstimates(false)
          .withDuration(Duration.ofSeconds(30)).withQueryTimeout(Duration.ofMillis(500))
          // Routing tables keep one node per IP, so replies cannot name all 24: seed them.
          .withSeeds(nodes.stream().map(n -> new Contact(n.id(), n.address())).toList());
      CrawlSummary s = Crawler.start(crawlerNode, settings, CrawlListener.none()).join();

      Map<InetAddress, List<Long>> perIp = new HashMap<>();
      Map<InetSocketAddress, Integer> perNode = new HashMap<>();
      for (Received r : log.all()) {
        if (r.from().equals(crawlerNode.id()) && r.method().equals("sample_infohashes")) {
          perIp.computeIfAbsent(r.at().getAddress(), k -> new ArrayList<>()).add(r.nanoTime());
          perNode.merge(r.at(), 1, Integer::sum);
        }
      }
      int worst = 0;
      for (List<Long> times : perIp.values()) {
        worst = Math.max(worst, TestnetCrawlTest.maxInWindow(times, 1_000_000_000L));
      }
      System.out.printf("per-IP: %s; %d nodes on 3 IPs asked, at most %d queries to one IP in"
          + " any 1 s window (allowance %.0f + %.0f/s)%n", s, perNode.size(), worst,
          settings.perIpBurst(), settings.perIpRate());
      assertTrue(s.complete());
      assertEquals(24, perNode.size(), "every node is asked");
      assertTrue(perNode.values().stream().allMatch(n -> n == 1), "a node was asked twice");
      assertTrue(worst <= settings.perIpBurst() + settings.perIpRate(),
          worst + " queries to one IP within a second");
      assertTrue(s.seconds() >= 5, "8 nodes per IP at 1/s after a burst of 2 take 6 s");
    } finally {
      if (crawlerNode != null) {
        crawlerNode.close();
      }
      for (DhtNode n : nodes) {
        n.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
