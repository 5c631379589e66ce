package dev.dhtbeacon.crawl;

import dev.dhtbeacon.store.CrawlDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where and when a crawl database's writes run, one at a time and in the order they are handed
 * over, and when they are committed: {@link WriterThread} for a file, {@link LoopWriter} for a
 * database in memory. {@link CrawlRecorder} says what is written.
 */
abstract class CrawlWriter implements AutoCloseable {
  /** Writes the recorder holds back to write together (infohash reports). Writer-confined. */
  interface HeldBack {
    /** How many writes are held back. */
    int size();

    /** Writes them all. */
    void write();
  }

  final CrawlDatabase db;
  final HeldBack held;
  private final List<Task> afterCommit = new ArrayList<>();
  volatile boolean closing;
  volatile boolean abandoned;
  int uncommitted;
  long lastCommit = System.nanoTime();

  CrawlWriter(CrawlDatabase db, HeldBack held) {
    this.db = db;
    this.held = held;
  }

  /** A fire-and-forget task; {@code writes} counts towards the next periodic commit. */
  abstract void write(Runnable task, int writes);

  /**
   * A task whose caller waits on {@code f}: a claim (which goes before queued writes) or a read
   * or commit (which goes after them). A task that throws fails {@code f} only.
   */
  abstract void submit(boolean claim, Runnable task, CompletableFuture<?> f);

  /** Ordinary writes waiting. */
  abstract int backlog();

  /** Writes what is queued, commits and closes the database. Blocks up to 60 s. */
  @Override
  public abstract void close();

  /**
   * Stops at once without writing what is queued and closes the database without a commit:
   * a SIGKILL, for crash tests.
   */
  abstract void abandon();

  /** From inside a task: runs {@code complete} once what was written before is committed. */
  void afterCommit(CompletableFuture<?> f, Runnable complete) {
    afterCommit.add(new Task(complete, f));
  }

  boolean commitPending() {
    return !afterCommit.isEmpty();
  }

  /** Writes what is held back. */
  void writeHeld() {
    uncommitted += held.size();
    held.write();
  }

  void commitNow() {
    if (abandoned) {
      return;
    }
    db.commit();
    uncommitted = 0;
    lastCommit = System.nanoTime();
    for (Task t : afterCommit) {
      t.run.run();
    }
    afterCommit.clear();
  }

  /** Fails what waits for a commit that will never come. */
  void failAfterCommit(IllegalStateException closed) {
    for (Task t : afterCommit) {
      t.future.completeExceptionally(closed);
    }
    afterCommit.clear();
  }

  /** {@code task}, but one that fails {@code f} instead of throwing. */
  static Runnable failing(Runnable task, CompletableFuture<?> f) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    };
  }

  record Task(Runnable run, CompletableFuture<?> future) {
  }
}
