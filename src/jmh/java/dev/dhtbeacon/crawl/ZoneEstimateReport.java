package dev.dhtbeacon.crawl;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.ReceiveLog;
import dev.dhtbeacon.node.Testnet;
import java.util.Random;

/**
 * Where the zone estimate's error comes from (a diagnosis harness, not a test). On the
 * acceptance testnet of {@code TestnetCrawlTest} for one seed (seed 1 is the test's own), runs
 * {@link ZoneSizeEstimator} RUNS times at each selection given, from a fresh crawler node, with
 * the zone choices of {@code new Random(FIRST_RANDOM + run)} (the test uses 4) and the test's
 * rough size of 2 500. Selection 1 asks every node, so it reads what complete passes count in
 * the same zones: the estimate's error against it is the capture–recapture part, and its own
 * error against the truth is the zone sample's.
 *
 * <pre>
 * java -Xmx6g -cp "$CP" dev.dhtbeacon.crawl.ZoneEstimateReport SEED FIRST_RANDOM RUNS SELECTION...
 * </pre>
 */
public final class ZoneEstimateReport {
  private ZoneEstimateReport() {
  }

  public static void main(String[] args) {
    long seed = Long.parseLong(args[0]);
    long firstRandom = Long.parseLong(args[1]);
    int runs = Integer.parseInt(args[2]);
    try (Testnet net = SweepMissReport.acceptanceTestnet(seed, true);
        ReceiveLog log = new ReceiveLog()) {
      int live = net.liveNodes().size();
      for (int i = 3; i < args.length; i++) {
        double selection = Double.parseDouble(args[i]);
        for (int run = 0; run < runs; run++) {
          report(net, log, seed, live, selection, run, firstRandom + run);
        }
      }
    }
    System.exit(0);
  }

  private static void report(Testnet net, ReceiveLog log, long seed, int live,
      double selection, int run, long random) {
    DhtNode crawler = CrawlTestSupport.node(log, 120, 1 + run, 28000, net.entryPoint());
    try {
      CrawlSettings settings = CrawlSettings.defaults();
      CrawlRateLimiter limiter = new CrawlRateLimiter(settings.rate(), settings.burst(),
          settings.perIpRate(), settings.perIpBurst(), settings.nanoTime());
      ZoneSizeEstimator.Result r = ZoneSizeEstimator.estimate(crawler, 2_500, selection,
          limiter, settings, System.nanoTime() + 60_000_000_000L, new Random(random)).join();
      double estimate = r.estimate().estimate();
      System.out.printf("seed %d selection %.2f random %d: estimate %.0f ± %.0f (%+.1f%%) of %d"
              + " live; %d of %d zones; n1 %d n2 %d m %d; union %.0f (%+.1f%%)%n", seed, selection, random, estimate, r.estimate().standardError(),
          100 * (estimate / live - 1), live, r.zones(), 1 << r.prefixBits(), r.captured1(),
          r.captured2(), r.recaptured(), r.union(), 100 * (r.union() / live - 1));
    } finally {
      crawler.close();
    }
  }
}
