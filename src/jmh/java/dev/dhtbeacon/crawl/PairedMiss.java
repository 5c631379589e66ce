package dev.dhtbeacon.crawl;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.ReceiveLog;
import dev.dhtbeacon.node.Testnet;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Two sweeps per testnet, one with a rule of the sweep switched off and one with it on (a
 * diagnosis harness, not a test). Sweeps of one variant on separate testnets differ by
 * whole missed blocks from run to run, since the joins leave different tables each time; on the
 * same testnet the two variants meet the same tables. For each seed: the acceptance testnet of
 * {@code TestnetCrawlTest} (2 000 nodes, 10% dead, 20% without BEP 51), then one sweep per
 * variant from a fresh crawler each, alternating which goes first; prints the live nodes each
 * never asked, and the totals (and sweeps that missed more than 1% of the live nodes).
 *
 * <p>The switch is the system property {@code sweep.nothin}, set to true for the "off" sweep.
 * Only a build patched to read it honours it; for the thin-block rule (session 13), in
 * {@link SweepThinBlocks}: a field {@code private final boolean on =
 * !Boolean.getBoolean("sweep.nothin");} and {@code if (!on) return null;} at the top of
 * {@code beside}. Compile that build into a directory of its own and put it first on the
 * class path.
 *
 * <pre>
 * java -Xmx8g -cp "PATCHED:$CP" dev.dhtbeacon.crawl.PairedMiss FIRST_SEED SWEEPS [refresh]
 * </pre>
 *
 * <p>{@code -Dmiss.nodes=N} and {@code -Dmiss.dead=F} change the testnet as for
 * {@link SweepMissReport}.
 */
public final class PairedMiss {
  private PairedMiss() {
  }

  public static void main(String[] args) {
    long first = Long.parseLong(args[0]);
    int sweeps = Integer.parseInt(args[1]);
    boolean refresh = args.length > 2 && args[2].equals("refresh");
    int[] tot = new int[2];
    int[] low = new int[2];
    for (long seed = first; seed < first + sweeps; seed++) {
      try (Testnet net = SweepMissReport.testnet(seed, refresh);
          ReceiveLog log = new ReceiveLog()) {
        log.attach(net.nodes());
        Set<InetSocketAddress> live = new HashSet<>();
        for (DhtNode n : net.liveNodes()) {
          live.add(n.address());
        }
        int[] missed = new int[2];
        for (int k = 0; k < 2; k++) {
          int v = (int) ((seed + k) % 2);  // alternate which variant goes first
          System.setProperty("sweep.nothin", v == 0 ? "true" : "false");
          DhtNode crawler = CrawlTestSupport.node(log, 120 + k, 1, 28000, net.entryPoint());
          try {
            Crawler.start(crawler, CrawlSettings.defaults().withEstimates(false)
                .withDuration(Duration.ofSeconds(75)), new CrawlTestSupport.SendLog()).join();
            Map<InetSocketAddress, Integer> asked =
                log.counts("sample_infohashes", Set.of(crawler.id()));
            missed[v] = (int) live.stream().filter(a -> !asked.containsKey(a)).count();
          } finally {
            crawler.close();
          }
        }
        for (int v = 0; v < 2; v++) {
          tot[v] += missed[v];
          low[v] += missed[v] > live.size() / 100 ? 1 : 0;
        }
        System.out.printf("seed %d: missed off=%d on=%d%n", seed, missed[0], missed[1]);
      }
    }
    System.out.printf("TOTAL off=%d (%d <99%%) on=%d (%d <99%%)%n", tot[0], low[0], tot[1],
        low[1]);
    System.exit(0);
  }
}
