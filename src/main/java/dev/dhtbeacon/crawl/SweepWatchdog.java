package dev.dhtbeacon.crawl;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails a sweep still running {@value #STUCK_AFTER_TIMEOUTS} query timeouts past its duration,
 * with every thread's stack in the log: whatever holds it, the caller's {@code --duration} is
 * kept, and the log says where it hung. A resumed crawl hung once in testing for a reason not
 * found; this bounds any such hang.
 */
final class SweepWatchdog {
  /** Query timeouts past its duration after which a sweep that has not ended is failed. */
  static final int STUCK_AFTER_TIMEOUTS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(SweepWatchdog.class);

  private SweepWatchdog() {
  }

  /**
   * Watches {@code sweep}, which should end within {@code duration}; the watch is cancelled
   * when it does.
   *
   * @param on where the check runs
   */
  static void watch(CompletableFuture<?> sweep, Duration duration, Duration queryTimeout,
      ScheduledExecutorService on) {
    long grace = STUCK_AFTER_TIMEOUTS * queryTimeout.toNanos();
    ScheduledFuture<?> check = on.schedule(() -> failIfStuck(sweep, duration),
        duration.toNanos() + grace, TimeUnit.NANOSECONDS);
    sweep.whenComplete((s, e) -> check.cancel(false));
  }

  private static void failIfStuck(CompletableFuture<?> sweep, Duration duration) {
    if (sweep.isDone()) {
      return;
    }
    LOG.error("the crawl is still running {} query timeouts after its duration of {}; its"
        + " threads:\n{}", STUCK_AFTER_TIMEOUTS, duration, threadDump());
    sweep.completeExceptionally(new IllegalStateException("the crawl did not end within "
        + STUCK_AFTER_TIMEOUTS + " query timeouts of its duration (" + duration + ")"));
  }

  private static String threadDump() {
    StringBuilder out = new StringBuilder();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      out.append('"').append(thread.getName()).append("\" ").append(thread.getState())
          .append('\n');
      for (StackTraceElement frame : stack) {
        out.append("    at ").append(frame).append('\n');
      }
    });
    return out.toString();
  }
}
