package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QueryRateTest {
  private static final long S = 1_000_000_000L;

  @Test
  void aTickThatFindsTheSameSnapshotRepeatsTheRateInsteadOfShowingZero() {
    QueryRate rate = new QueryRate(10 * S);
    assertEquals(0, rate.update(0, Long.MIN_VALUE), "no snapshot yet");
    assertEquals(5_000, rate.update(5_000, 11 * S), 1e-9);
    assertEquals(5_000, rate.update(5_000, 11 * S), 1e-9, "the same snapshot again");
    // The next snapshot came 1.5 s after the last: the rate is over that span, not over the
    // two ticks that passed.
    assertEquals(4_000, rate.update(11_000, 12 * S + S / 2), 1e-9);
  }
}
