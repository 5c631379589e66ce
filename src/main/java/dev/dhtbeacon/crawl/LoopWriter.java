package dev.dhtbeacon.crawl;

import dev.dhtbeacon.store.CrawlDatabase;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A crawl database's writes on the crawler's event loop, each as it is handed over (calls from
 * other threads hop to the loop): the writer for a database in memory. A write to its plain
 * maps costs less than handing it to another thread (a queued task, a cross-core read of what
 * it names, the writer's wake-ups), and nothing there blocks. Commits do nothing in memory, so
 * whatever waits for one completes at once.
 */
final class LoopWriter extends CrawlWriter {
  private static final Logger LOG = LoggerFactory.getLogger(LoopWriter.class);

  private final ExecutorService loop;
  /** The loop's thread, once a task has run there: calls from it then write at once. */
  private volatile Thread loopThread;
  /** Set once the database is closed: tasks that hopped to the loop too late find it. */
  private volatile boolean dbClosed;

  LoopWriter(CrawlDatabase db, HeldBack held, ExecutorService loop) {
    super(db, held);
    this.loop = loop;
    // Learn the loop's thread at once, so that calls made on it (a close among them) never
    // hop to it and wait for themselves.
    try {
      loop.execute(() -> loopThread = Thread.currentThread());
    } catch (RejectedExecutionException e) {
      // The loop has stopped: every write is refused, and close() runs here.
    }
  }

  @Override
  void write(Runnable task, int count) {
    if (!closing) {
      onLoop(task, null);
    }
  }

  @Override
  void submit(boolean claim, Runnable task, CompletableFuture<?> f) {
    if (closing) {
      f.completeExceptionally(new IllegalStateException("crawl database closed"));
      return;
    }
    onLoop(failing(task, f), f);
  }

  @Override
  int backlog() {
    return 0;
  }

  /** Runs {@code task} on the loop, now if called there, then writes what it held back. */
  private void onLoop(Runnable task, CompletableFuture<?> f) {
    Runnable write = () -> {
      if (abandoned || dbClosed) {
        if (f != null) {
          f.completeExceptionally(new IllegalStateException("crawl database closed"));
        }
        return;
      }
      try {
        task.run();
        writeHeld();
        if (commitPending()) {
          commitNow();
        }
      } catch (RuntimeException e) {
        LOG.error("crawl database write failed; the crawl stops recording", e);
        abandoned = true;
        failAfterCommit(new IllegalStateException("crawl database closed"));
      }
    };
    if (Thread.currentThread() == loopThread) {
      write.run();
      return;
    }
    try {
      loop.execute(() -> {
        loopThread = Thread.currentThread();
        write.run();
      });
    } catch (RejectedExecutionException e) {
      if (f != null) {
        f.completeExceptionally(new IllegalStateException("crawl loop stopped", e));
      }
    }
  }

  @Override
  public void close() {
    closing = true;
    closeOnLoop(abandoned ? db::closeWithoutCommit : db::close);
  }

  @Override
  void abandon() {
    abandoned = true;
    closing = true;
    closeOnLoop(db::closeWithoutCommit);
  }

  /** Closes the database on the loop (or here, if the loop has stopped). */
  private void closeOnLoop(Runnable close) {
    Runnable last = () -> {
      if (!abandoned && !dbClosed) {
        writeHeld();
      }
      close.run();
      dbClosed = true;
    };
    if (Thread.currentThread() == loopThread) {
      last.run();
      return;
    }
    try {
      loop.submit(last).get(60, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      last.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("closing the crawl database failed: {}", e.toString());
    }
  }
}
