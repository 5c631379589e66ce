package dev.dhtbeacon.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.lookup.LookupResult;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A 500-node loopback testnet finds the true closest nodes for random targets. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TestnetConvergenceTest {
  private static Testnet net;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(500)
        .withBase(Testnet.loopback(127, 0, 10, 1), 16881));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void findNodeReturnsTheTrueEightClosestForAtLeast95Percent() {
    Random random = new Random(42);
    List<Contact> all = net.contacts();
    int exact = 0;
    List<Integer> queries = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      DhtNode from = net.nodes().get(random.nextInt(all.size()));
      NodeId target = NodeId.random(random);
      LookupResult result = from.findNode(target).join();
      List<NodeId> truth = Testnet.trueClosest(all, target, 9).stream().map(Contact::id)
          .filter(id -> !id.equals(from.id())).limit(8).toList();
      List<NodeId> found = result.closestContacts().stream().map(Contact::id).toList();
      if (found.equals(truth)) {
        exact++;
      }
      queries.add(result.queried());
    }
    queries.sort(null);
    System.out.println("exact " + exact + "/100, median queries " + queries.get(50));
    assertTrue(exact >= 95, "only " + exact + " of 100 lookups found the true 8 closest");
  }

  /**
   * Converged by self-lookups alone, a node holds few entries outside its own neighbourhood;
   * a refresh of every bucket fills the tables, and it comes before the dead nodes go silent,
   * so they stay in others' tables as on the real network.
   */
  @Test
  void aBucketRefreshFillsTheTablesBeforeAnyNodeGoesDead() {
    try (Testnet refreshed = Testnet.start(Testnet.Options.of(500)
        .withBase(Testnet.loopback(127, 0, 12, 1), 16882).withCrawlTruth(0, 0.1, 0)
        .withBucketRefresh())) {
      List<DhtNode> live = refreshed.liveNodes();
      int plain = medianTableSize(net.nodes());
      int full = medianTableSize(live);
      System.out.printf("median table: %d entries converged, %d refreshed%n", plain, full);
      assertTrue(full >= 1.5 * plain, full + " entries after the refresh, " + plain + " before");
      Set<InetSocketAddress> dead = new HashSet<>();
      refreshed.nodes().stream().filter(n -> !live.contains(n)).forEach(n -> dead.add(n.address()));
      assertTrue(dead.size() >= 45, dead.size() + " dead");
      long heldDead = live.stream().flatMap(n -> table(n).stream())
          .filter(c -> dead.contains(c.address())).count();
      assertTrue(heldDead >= dead.size(), "dead nodes held " + heldDead + " times");
    }
  }

  private static int medianTableSize(List<DhtNode> nodes) {
    int[] sizes = nodes.stream().mapToInt(n -> table(n).size()).sorted().toArray();
    return sizes[sizes.length / 2];
  }

  private static List<Contact> table(DhtNode n) {
    return n.closestKnown(NodeId.zero(), 100_000).join();
  }

  @Test
  void everyNodeAnswersPing() {
    List<CompletableFuture<?>> pings = new ArrayList<>();
    DhtNode from = net.nodes().get(0);
    for (DhtNode n : net.nodes().subList(1, 50)) {
      pings.add(from.ping(n.address()));
    }
    CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new)).join();
  }
}
