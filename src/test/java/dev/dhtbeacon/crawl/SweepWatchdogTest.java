package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SweepWatchdogTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void aSweepThatOutlivesItsDurationByTenTimeoutsFails() {
    CompletableFuture<String> hung = new CompletableFuture<>();
    long start = System.nanoTime();
    SweepWatchdog.watch(hung, Duration.ofMillis(50), Duration.ofMillis(10), timer);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> hung.get(5, TimeUnit.SECONDS));
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("10 query timeouts"), e.getCause().getMessage());
    assertTrue(waitedMillis >= 150, "failed after " + waitedMillis + " ms, before 50 + 10 x 10");
  }

  @Test
  void aSweepThatEndsInTimeKeepsItsResultAndCancelsTheCheck() throws Exception {
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1);
    pool.setRemoveOnCancelPolicy(true);
    try {
      CompletableFuture<String> sweep = new CompletableFuture<>();
      SweepWatchdog.watch(sweep, Duration.ofSeconds(60), Duration.ofSeconds(5), pool);
      assertEquals(1, pool.getQueue().size());
      sweep.complete("done");
      assertEquals("done", sweep.get());
      assertEquals(0, pool.getQueue().size(), "the check is cancelled");
      assertFalse(sweep.isCompletedExceptionally());
    } finally {
      pool.shutdownNow();
    }
  }
}
