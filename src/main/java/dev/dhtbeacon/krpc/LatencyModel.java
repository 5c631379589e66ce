package dev.dhtbeacon.krpc;

import java.util.SplittableRandom;

/**
 * A one-way delay added to every datagram a node sends, so loopback testnets can be measured
 * under Internet-like latency. Benchmarks use it; production transports have none.
 */
@FunctionalInterface
public interface LatencyModel {
  /** Delay for the next datagram, in microseconds. Called on the sending node's event loop. */
  long nextDelayMicros();

  /**
   * Delays from a log-normal distribution, a fair fit for Internet round trips: median
   * {@code medianMillis}, log standard deviation {@code sigma}. With median 120 ms and sigma 0.6
   * the p90 is about 260 ms and the p99 about 490 ms, close to what measurements of Mainline
   * report for RTTs. Testnets apply it to the nodes' sends only, so a querier that adds no delay
   * of its own sees each query's round trip drawn from this distribution. Each node should get
   * its own instance (own RNG).
   */
  static LatencyModel logNormal(double medianMillis, double sigma, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double mu = Math.log(medianMillis * 1000);
    return () -> (long) Math.exp(mu + sigma * gaussian(random));
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
