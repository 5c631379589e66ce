package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.Testnet;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The token buckets on an injected clock. */
class CrawlRateLimiterTest {
  private long now = 1_000_000_000L;

  @Test
  void noWindowOfOneSecondHoldsMoreThanRatePlusBurst() {
    CrawlRateLimiter limiter = new CrawlRateLimiter(100, 2, 1_000, 1_000, () -> now);
    Random random = new Random(1);
    List<Long> granted = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      now += random.nextInt(2_000_000);
      if (limiter.tryAcquire(ip(i % 200)) == 0) {
        granted.add(now);
      }
    }
    int max = TestnetCrawlTest.maxInWindow(granted, 1_000_000_000L);
    assertTrue(max <= 102, max + " in one second");
    assertTrue(max >= 95, "the limiter should let the rate through, got " + max);
  }

  @Test
  void oneIpGetsItsRateAndBurstAndNoMore() {
    CrawlRateLimiter limiter = new CrawlRateLimiter(1_000, 20, 1, 2, () -> now);
    Map<InetAddress, List<Long>> granted = new HashMap<>();
    for (int i = 0; i < 60_000; i++) {
      now += 1_000_000;
      InetAddress ip = ip(i % 3);
      if (limiter.tryAcquire(ip) == 0) {
        granted.computeIfAbsent(ip, k -> new ArrayList<>()).add(now);
      }
    }
    for (List<Long> times : granted.values()) {
      assertTrue(TestnetCrawlTest.maxInWindow(times, 1_000_000_000L) <= 3);
      assertTrue(times.size() >= 59 && times.size() <= 62, times.size() + " in 60 s");
    }
  }

  @Test
  void aRefusalSaysHowLongToWait() {
    CrawlRateLimiter limiter = new CrawlRateLimiter(10, 1, 1, 1, () -> now);
    assertEquals(0, limiter.tryAcquire(ip(1)));
    long wait = limiter.tryAcquire(ip(2));
    assertTrue(wait > 90_000_000L && wait <= 100_000_000L, "global wait " + wait);
    now += 100_000_000L;
    assertEquals(0, limiter.tryAcquire(ip(2)));
    now += 100_000_000L;
    long ipWait = limiter.tryAcquire(ip(1));
    assertTrue(ipWait > 700_000_000L && ipWait <= 800_000_000L, "per-IP wait " + ipWait);
    assertEquals(ipWait, limiter.ipWait(ip(1)), 1);
  }

  @Test
  void bucketsOfQuietIpsAreForgotten() {
    CrawlRateLimiter limiter = new CrawlRateLimiter(100_000, 100, 1, 2, () -> now);
    for (int i = 0; i < 5_000; i++) {
      limiter.tryAcquire(ip(i));
      now += 10_000;
    }
    now += 3_000_000_000L;
    limiter.tryAcquire(ip(0));
    assertTrue(limiter.trackedIps() <= 1, limiter.trackedIps() + " buckets kept");
  }

  @Test
  void nonsenseRatesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CrawlRateLimiter(0, 1, 1, 1, () -> 0));
    assertThrows(IllegalArgumentException.class,
        () -> new CrawlRateLimiter(1, 0.5, 1, 1, () -> 0));
  }

  private static InetAddress ip(int i) {
    return Testnet.loopback(127, 0, 131 + i / 250 % 8, 1 + i % 250);
  }
}
