package dev.dhtbeacon.crawl;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.ReceiveLog;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Why a sweep missed the live nodes it missed (a diagnosis harness, not a test). For each seed,
 * starts the acceptance testnet of {@code TestnetCrawlTest} (2 000 nodes, 10% dead, 20% without
 * BEP 51), snapshots every live node's routing table, runs one sweep from a fresh crawler node
 * and prints the coverage. Then, for each live node the sweep never asked: how many live tables
 * hold it, how many of those nodes the sweep asked, and for each of those what it was asked
 * ({@code holder->target#order}, order = position in the send log; {@code !} when the holder's
 * table would name the missed node for that target).
 *
 * <pre>
 * java -Xmx4g -cp "$CP" dev.dhtbeacon.crawl.SweepMissReport FIRST_SEED SWEEPS [refresh]
 * </pre>
 *
 * <p>{@code -Dmiss.nodes=N} and {@code -Dmiss.dead=F} change the testnet's size and share of
 * dead nodes (2 000 and 0.1 by default).

 */
public final class SweepMissReport {
  private SweepMissReport() {
  }

  public static void main(String[] args) {
    long first = Long.parseLong(args[0]);
    int sweeps = Integer.parseInt(args[1]);
    boolean refresh = args.length > 2 && args[2].equals("refresh");
    for (long seed = first; seed < first + sweeps; seed++) {
      try (Testnet net = testnet(seed, refresh); ReceiveLog log = new ReceiveLog()) {
        log.attach(net.nodes());
        report(net, log, seed);
      }
    }
    System.exit(0);
  }

  /**
   * The acceptance testnet of {@code TestnetCrawlTest} (2 000 nodes, 10% dead, 20% without
   * BEP 51) at 127.0.110.1:28000, its tables as the joins leave them or refreshed.
   */
  static Testnet acceptanceTestnet(long seed, boolean refresh) {
    return testnet(seed, refresh, 2_000, 0.1);
  }

  /**
   * The acceptance testnet, or another size or share of dead nodes if {@code -Dmiss.nodes} or
   * {@code -Dmiss.dead} say so.
   */
  static Testnet testnet(long seed, boolean refresh) {
    return testnet(seed, refresh, Integer.getInteger("miss.nodes", 2_000),
        Double.parseDouble(System.getProperty("miss.dead", "0.1")));
  }

  private static Testnet testnet(long seed, boolean refresh, int nodes, double dead) {
    Testnet.Options options = Testnet.Options.of(nodes).withSeed(seed)
        .withBase(Testnet.loopback(127, 0, 110, 1), 28000).withCrawlTruth(20, dead, 0.2);
    return Testnet.start(refresh ? options.withBucketRefresh() : options);
  }

  private static void report(Testnet net, ReceiveLog log, long seed) {
    Map<InetSocketAddress, DhtNode> live = new HashMap<>();
    Map<InetSocketAddress, Set<InetSocketAddress>> tables = new HashMap<>();
    for (DhtNode n : net.liveNodes()) {
      live.put(n.address(), n);
      Set<InetSocketAddress> held = new HashSet<>();
      n.closestKnown(NodeId.zero(), 100_000).join().forEach(c -> held.add(c.address()));
      tables.put(n.address(), held);
    }
    DhtNode crawler = CrawlTestSupport.node(log, 120, 1, 28000, net.entryPoint());
    try {
      CrawlTestSupport.SendLog sends = new CrawlTestSupport.SendLog();
      CrawlSummary s = Crawler.start(crawler, CrawlSettings.defaults().withEstimates(false)
          .withDuration(Duration.ofSeconds(75)), sends).join();
      Map<InetSocketAddress, Integer> asked =
          log.counts("sample_infohashes", Set.of(crawler.id()));
      List<DhtNode> missed = live.values().stream().filter(n -> !asked.containsKey(n.address()))
          .sorted(Comparator.comparing(n -> n.id().hex())).toList();
      int[] sizes = tables.values().stream().mapToInt(Set::size).sorted().toArray();
      System.out.printf("seed %d: reached %d/%d live, %d queries, median table %d entries%n",
          seed, live.size() - missed.size(), live.size(), s.queriesSent(),
          sizes[sizes.length / 2]);
      Map<InetSocketAddress, CrawlTestSupport.Sent> sentTo = new HashMap<>();
      Map<InetSocketAddress, Integer> order = new HashMap<>();
      for (CrawlTestSupport.Sent x : sends.sent) {
        order.putIfAbsent(x.to().address(), order.size());
        sentTo.putIfAbsent(x.to().address(), x);
      }
      for (DhtNode m : missed) {
        System.out.println("  " + explain(m, live, tables, sentTo, order));
      }
    } finally {
      crawler.close();
    }
  }

  private static String explain(DhtNode missed, Map<InetSocketAddress, DhtNode> live,
      Map<InetSocketAddress, Set<InetSocketAddress>> tables,
      Map<InetSocketAddress, CrawlTestSupport.Sent> sentTo, Map<InetSocketAddress, Integer> order) {
    StringBuilder askedHolders = new StringBuilder();
    int holders = 0;
    int askedCount = 0;
    for (Map.Entry<InetSocketAddress, Set<InetSocketAddress>> t : tables.entrySet()) {
      if (!t.getValue().contains(missed.address())) {
        continue;
      }
      holders++;
      CrawlTestSupport.Sent sent = sentTo.get(t.getKey());
      if (sent == null || sent.target() == null) {
        continue;
      }
      askedCount++;
      DhtNode holder = live.get(t.getKey());
      boolean named = holder.closestKnown(sent.target(), 8).join().stream()
          .anyMatch(c -> c.address().equals(missed.address()));
      askedHolders.append(String.format(" %s->%s#%d%s", prefix(holder.id()),
          prefix(sent.target()), order.get(t.getKey()), named ? "!" : ""));
    }
    return String.format("missed %s: in %d live tables, %d of them asked:%s",
        missed.id().hex().substring(0, 6), holders, askedCount, askedHolders);
  }

  private static String prefix(NodeId id) {
    return id.hex().substring(0, 4);
  }
}
