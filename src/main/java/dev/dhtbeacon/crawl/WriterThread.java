package dev.dhtbeacon.crawl;

import dev.dhtbeacon.store.CrawlDatabase;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A crawl database's writes on a thread of their own, so that no MapDB write ever runs on an
 * event loop: the writer for a file.
 *
 * <p>Commits happen every second or every 1 000 writes, and at once after a batch of claims:
 * a query is sent only after the claim naming its node is committed, so a crash never leads a
 * resumed sweep to ask an answered node again. Claims jump the queue of ordinary writes unless
 * that queue holds more than {@value #BACKLOG_LIMIT} of them, which throttles the sweep to the
 * speed of the disk.
 *
 * <p>Held-back writes (infohash reports) are written together before the periodic commit (every
 * second or {@value #HELD_BATCH} of them, half a second of an uncapped sweep): the file keeps
 * infohash records in groups of adjacent ones, and a batch costs what the groups it touches
 * cost, so the larger the batch the cheaper each report. A killed crawl loses at most the last
 * second of them, as it loses the answers still in flight.
 */
final class WriterThread extends CrawlWriter {
  private static final Logger LOG = LoggerFactory.getLogger(WriterThread.class);
  static final int BACKLOG_LIMIT = 20_000;
  private static final int COMMIT_EVERY_WRITES = 1_000;
  private static final long COMMIT_EVERY_NANOS = 1_000_000_000L;
  /** Ordinary writes queued between wake-ups of the writer; it also wakes on its own. */
  private static final int WAKE_EVERY_WRITES = 256;
  /** How long an idle writer sleeps: the most an ordinary write waits to be picked up. */
  private static final long IDLE_PARK_NANOS = 10_000_000L;
  /** Held-back writes after which they are written and committed. */
  static final int HELD_BATCH = 50_000;
  /**
   * Claims wait until this long after the last commit: each commit writes and syncs the
   * write-ahead log, so at most 100 a second; the sweep admits nodes far enough ahead (a tenth
   * of a second's queries) not to notice.
   */
  static final long CLAIM_COMMIT_GAP_NANOS = 10_000_000L;

  private final Queue<Task> claims = new ConcurrentLinkedQueue<>();
  private final Queue<Task> writes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger backlog = new AtomicInteger();
  private final Thread thread;
  private long lastHeldWrite = System.nanoTime();

  WriterThread(CrawlDatabase db, HeldBack held) {
    super(db, held);
    this.thread = new Thread(this::run, "crawl-db");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  @Override
  void write(Runnable task, int count) {
    if (closing) {
      return;
    }
    writes.add(new Task(() -> {
      backlog.decrementAndGet();
      task.run();
      uncommitted += count;
    }, null));
    // Fire-and-forget writes can wait for the writer's next round: waking it for each would
    // cost a futex call on the event loop and a context switch per write.
    if (backlog.incrementAndGet() % WAKE_EVERY_WRITES == 0) {
      LockSupport.unpark(thread);
    }
  }

  @Override
  void submit(boolean claim, Runnable task, CompletableFuture<?> f) {
    if (closing) {
      f.completeExceptionally(new IllegalStateException("crawl database closed"));
      return;
    }
    (claim ? claims : writes).add(new Task(failing(task, f), f));
    LockSupport.unpark(thread);
  }

  @Override
  int backlog() {
    return backlog.get();
  }

  private void run() {
    try {
      while (!abandoned) {
        boolean worked = false;
        for (int i = 0; i < 512 && !abandoned; i++) {
          if (backlog.get() < BACKLOG_LIMIT && claimsDue()) {
            // Claims hold the sweep up: they go before any write still queued.
            for (Task t; (t = claims.poll()) != null; ) {
              t.run().run();
            }
            commitNow();
            worked = true;
          }
          Task t = writes.poll();
          if (t == null) {
            break;
          }
          t.run().run();
          worked = true;
        }
        long now = System.nanoTime();
        boolean due = now - lastCommit > COMMIT_EVERY_NANOS;
        // Timed from the last held write, not the last commit: claims commit every 10 ms.
        if (held.size() >= HELD_BATCH
            || (held.size() > 0 && now - lastHeldWrite > COMMIT_EVERY_NANOS)) {
          writeHeld();
          lastHeldWrite = now;
        }
        if (uncommitted >= COMMIT_EVERY_WRITES || (uncommitted > 0 && due)
            || commitPending()) {
          commitNow();
        }
        if (!worked) {
          if (closing && claims.isEmpty() && writes.isEmpty()) {
            writeHeld();
            break;
          }
          LockSupport.parkNanos(claims.isEmpty() ? IDLE_PARK_NANOS
              : Math.max(1, CLAIM_COMMIT_GAP_NANOS - (System.nanoTime() - lastCommit)));
        }
      }
    } catch (RuntimeException e) {
      LOG.error("crawl database writer failed; the crawl stops recording", e);
      abandoned = true;
    }
    failPending();
  }

  private boolean claimsDue() {
    return !claims.isEmpty()
        && (closing || System.nanoTime() - lastCommit >= CLAIM_COMMIT_GAP_NANOS);
  }

  /** Fails whatever waits for a commit or a read that will never come. */
  private void failPending() {
    IllegalStateException closed = new IllegalStateException("crawl database closed");
    for (Queue<Task> q : List.of(claims, writes)) {
      for (Task t; (t = q.poll()) != null; ) {
        if (t.future() != null) {
          t.future().completeExceptionally(closed);
        }
      }
    }
    failAfterCommit(closed);
  }

  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(thread);
    join();
    if (!abandoned) {
      db.close();
    } else {
      db.closeWithoutCommit();
    }
  }

  @Override
  void abandon() {
    abandoned = true;
    closing = true;
    LockSupport.unpark(thread);
    join();
    db.closeWithoutCommit();
  }

  private void join() {
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
