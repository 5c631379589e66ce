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
   * One-way delays from a log-normal distribution, a fair fit for Internet RTTs: half of an RTT
   * whose median is {@code medianRttMillis} and whose log has standard deviation {@code sigma}.
   * With median 120 ms and sigma 0.6 the RTT's p90 is about 260 ms and p99 about 490 ms, close
   * to what DHT crawls report for Mainline. Each node should get its own instance (own RNG).
   */
  static LatencyModel logNormal(double medianRttMillis, double sigma, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double mu = Math.log(medianRttMillis * 1000 / 2);
    return () -> (long) Math.exp(mu + sigma * gaussian(random));
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
