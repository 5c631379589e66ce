package dev.dhtbeacon.crawl;

import dev.dhtbeacon.routing.Bep42;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.store.CrawlDatabase;
import dev.dhtbeacon.store.CrawlNode;
import dev.dhtbeacon.store.CrawlState;
import dev.dhtbeacon.store.EstimateSample;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crawl database's single writer: for a file, a thread of its own, so that no MapDB write
 * ever runs on an event loop; for a database in memory, the crawler's event loop itself (see
 * {@link #CrawlRecorder(CrawlDatabase, ExecutorService)}). The crawler hands it observations
 * (fire and forget) and claims (which it completes once they are durable).
 *
 * <p>Commits happen every second or every 1 000 writes, and at once after a batch of claims:
 * a query is sent only after the claim naming its node is committed, so a crash never leads a
 * resumed sweep to ask an answered node again. Claims jump the queue of ordinary writes unless
 * that queue holds more than {@value #BACKLOG_LIMIT} of them, which throttles the sweep to the
 * speed of the disk.
 *
 * <p>Infohash reports are held back and written together before the periodic commit (every
 * second or {@value #SAMPLE_BATCH} infohashes): in a MapDB file, a transaction that rewrites
 * the same index pages thousands of times costs about a third less per write than the small
 * ones the claims commit every 10 ms (CrawlDatabaseBench). A killed crawl
 * loses at most the last second of them, as it loses the answers still in flight.
 */
final class CrawlRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CrawlRecorder.class);
  static final int BACKLOG_LIMIT = 20_000;
  private static final int COMMIT_EVERY_WRITES = 1_000;
  private static final long COMMIT_EVERY_NANOS = 1_000_000_000L;
  /** Ordinary writes queued between wake-ups of the writer; it also wakes on its own. */
  private static final int WAKE_EVERY_WRITES = 256;
  /** How long an idle writer sleeps: the most an ordinary write waits to be picked up. */
  private static final long IDLE_PARK_NANOS = 10_000_000L;
  /** Infohash reports held back before they are written and committed. */
  static final int SAMPLE_BATCH = 5_000;
  /**
   * Claims wait until this long after the last commit: each commit writes and syncs the
   * write-ahead log, so at most 100 a second; the sweep admits nodes far enough ahead (a tenth
   * of a second's queries) not to notice.
   */
  static final long CLAIM_COMMIT_GAP_NANOS = 10_000_000L;

  private final CrawlDatabase db;
  private final Queue<Task> claims = new ConcurrentLinkedQueue<>();
  private final Queue<Task> writes = new ConcurrentLinkedQueue<>();
  private final List<Task> afterCommit = new ArrayList<>();
  private final AtomicInteger backlog = new AtomicInteger();
  private final AtomicLong infohashes;
  /** The writer thread of a file database; null when the crawler's loop writes (in memory). */
  private final Thread thread;
  /** The loop that writes a database in memory; null for a file database. */
  private final ExecutorService loop;
  /** The loop's thread, once a task has run there: calls from it then write at once. */
  private volatile Thread loopThread;
  private volatile boolean closing;
  /** Set once a database the loop writes is closed: tasks that hopped to it too late find it. */
  private volatile boolean dbClosed;
  private volatile boolean abandoned;
  /** Reports not yet written; touched by the writer thread only. */
  private final List<Sampled> sampled = new ArrayList<>();
  private int sampledHashes;
  private int uncommitted;
  private long lastCommit = System.nanoTime();

  /** A recorder with a writer thread of its own. */
  CrawlRecorder(CrawlDatabase db) {
    this(db, null);
  }

  /**
   * @param loop null for a writer thread of its own; else the crawler's event loop, which then
   *     writes the database itself, each write as it is handed over (calls from other threads
   *     hop to it). Meant for a database in memory: a write to its plain maps costs less than
   *     handing it to another thread (a queued task, a cross-core read of what it names, the
   *     writer's wake-ups), and nothing there blocks.
   */
  CrawlRecorder(CrawlDatabase db, ExecutorService loop) {
    this.db = db;
    this.loop = loop;
    this.infohashes = new AtomicLong(db.infohashCount());
    if (loop == null) {
      this.thread = new Thread(this::run, "crawl-db");
      this.thread.setDaemon(true);
      this.thread.start();
    } else {
      this.thread = null;
      // Learn the loop's thread at once, so that calls made on it (a close among them) never
      // hop to it and wait for themselves.
      loop.execute(() -> loopThread = Thread.currentThread());
    }
  }

  /** Distinct infohashes in the database. */
  long infohashCount() {
    return infohashes.get();
  }

  /** Ordinary writes waiting. */
  int backlog() {
    return backlog.get();
  }

  /**
   * Claims the nodes for a query in {@code sweep} and decides, from what the database knows,
   * whether each may be asked: not if it already was in this sweep or failed twice in a row,
   * later if a BEP 51 interval it gave has not passed. Completes once the claims are durable.
   */
  CompletableFuture<List<SweepHooks.Admission>> claim(long sweep, List<Contact> nodes,
      long nowMillis) {
    CompletableFuture<List<SweepHooks.Admission>> f = new CompletableFuture<>();
    submit(claims, () -> {
      List<SweepHooks.Admission> out = new ArrayList<>(nodes.size());
      for (Contact c : nodes) {
        out.add(claimOne(sweep, c, nowMillis));
      }
      afterCommit.add(new Task(() -> f.complete(out), f));
    }, f);
    return f;
  }

  private SweepHooks.Admission claimOne(long sweep, Contact c, long nowMillis) {
    CrawlNode n = db.node(c.id().hex()).orElse(null);
    if (n == null) {
      n = record(c, nowMillis);
    } else if (n.sweep() == sweep || n.failures() >= 2) {
      return new SweepHooks.Admission(SweepHooks.Verdict.SKIP, n.bep51(), 0);
    } else if (n.bep51() != 0 && n.notBeforeMillis() > nowMillis) {
      return new SweepHooks.Admission(SweepHooks.Verdict.DEFER, n.bep51(), n.notBeforeMillis());
    }
    db.putNode(n.withClaim(sweep, nowMillis));
    return new SweepHooks.Admission(SweepHooks.Verdict.ASK, n.bep51(), 0);
  }

  void discovered(Contact c, long nowMillis) {
    write(() -> db.putNodeIfAbsent(record(c, nowMillis)));
  }

  void answered(Contact c, String version, long rttMillis, long nowMillis, int bep51, long num,
      int interval) {
    write(() -> {
      CrawlNode n = db.node(c.id().hex()).orElseGet(() -> record(c, nowMillis));
      db.putNode(n.withAnswer(c.address().getAddress().getAddress(), c.address().getPort(),
          Bep42.isValid(c.id(), c.address().getAddress()), version, rttMillis, nowMillis, bep51,
          num, interval));
    });
  }

  void failed(Contact c, long nowMillis) {
    write(() -> db.putNode(db.node(c.id().hex()).orElseGet(() -> record(c, nowMillis))
        .withFailure()));
  }

  void readOnly(NodeId id, InetSocketAddress from, long nowMillis) {
    write(() -> db.putNode(db.node(id.hex()).orElseGet(() -> record(new Contact(id, from),
        nowMillis)).withReadOnly()));
  }

  void samples(NodeId reporter, List<NodeId> hashes, long nowMillis) {
    Sampled s = new Sampled(reporter.bytes(), hashes, nowMillis);
    queue(() -> {
      sampled.add(s);
      sampledHashes += hashes.size();
    });
  }

  /** Writes the held-back infohash reports (before a commit or a read). */
  private void writeSamples() {
    for (Sampled s : sampled) {
      for (NodeId h : s.hashes) {
        if (db.reportInfohash(h, s.reporter, s.nowMillis)) {
          infohashes.incrementAndGet();
        }
      }
    }
    uncommitted += sampledHashes;
    sampled.clear();
    sampledHashes = 0;
  }

  private record Sampled(byte[] reporter, List<NodeId> hashes, long nowMillis) {
  }

  void estimate(EstimateSample sample) {
    write(() -> db.addEstimate(sample));
  }

  void saveState(CrawlState state) {
    write(() -> db.saveState(state));
  }

  /** Runs {@code read} on the writer thread, after every write handed over before it. */
  <T> CompletableFuture<T> read(Function<CrawlDatabase, T> read) {
    CompletableFuture<T> f = new CompletableFuture<>();
    submit(writes, () -> {
      writeSamples();
      f.complete(read.apply(db));
    }, f);
    return f;
  }

  /** Commits now, with every write handed over before; completes when durable. */
  CompletableFuture<Void> commit() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    submit(writes, () -> {
      writeSamples();
      afterCommit.add(new Task(() -> f.complete(null), f));
    }, f);
    return f;
  }

  private static CrawlNode record(Contact c, long nowMillis) {
    return CrawlNode.discovered(c.id().hex(), c.address().getAddress().getAddress(),
        c.address().getPort(), Bep42.isValid(c.id(), c.address().getAddress()), nowMillis);
  }

  private void write(Runnable task) {
    queue(() -> {
      task.run();
      uncommitted++;
    });
  }

  private void queue(Runnable task) {
    if (closing) {
      return;
    }
    if (loop != null) {
      onLoop(task, null);
      return;
    }
    writes.add(new Task(() -> {
      backlog.decrementAndGet();
      task.run();
    }, null));
    // Fire-and-forget writes can wait for the writer's next round: waking it for each would
    // cost a futex call on the event loop and a context switch per write.
    if (backlog.incrementAndGet() % WAKE_EVERY_WRITES == 0) {
      LockSupport.unpark(thread);
    }
  }

  private void submit(Queue<Task> queue, Runnable task, CompletableFuture<?> f) {
    if (closing) {
      f.completeExceptionally(new IllegalStateException("crawl database closed"));
      return;
    }
    // A read that throws fails its own future only, as any write that throws would not.
    Runnable guarded = () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    };
    if (loop != null) {
      onLoop(guarded, f);
      return;
    }
    queue.add(new Task(guarded, f));
    LockSupport.unpark(thread);
  }

  /**
   * Runs {@code task} on the loop, now if called there, then writes the reports it held back
   * and completes what waits for a commit (a no-op for a database in memory).
   */
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
        writeSamples();
        if (!afterCommit.isEmpty()) {
          commitNow();
        }
      } catch (RuntimeException e) {
        if (f != null) {
          f.completeExceptionally(e);
        }
        LOG.error("crawl database write failed; the crawl stops recording", e);
        abandoned = true;
        failPending();
      }
    };
    if (Thread.currentThread() == loopThread) {
      write.run();
    } else {
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
  }

  private void run() {
    try {
      while (!abandoned) {
        boolean worked = false;
        for (int i = 0; i < 512 && !abandoned; i++) {
          if (backlog.get() < BACKLOG_LIMIT && claimsDue()) {
            // Claims hold the sweep up: they go before any write still queued.
            for (Task t; (t = claims.poll()) != null; ) {
              t.run.run();
            }
            commitNow();
            worked = true;
          }
          Task t = writes.poll();
          if (t == null) {
            break;
          }
          t.run.run();
          worked = true;
        }
        boolean due = System.nanoTime() - lastCommit > COMMIT_EVERY_NANOS;
        if (sampledHashes >= SAMPLE_BATCH || (sampledHashes > 0 && due)) {
          writeSamples();
        }
        if (uncommitted >= COMMIT_EVERY_WRITES || (uncommitted > 0 && due)
            || !afterCommit.isEmpty()) {
          commitNow();
        }
        if (!worked) {
          if (closing && claims.isEmpty() && writes.isEmpty()) {
            writeSamples();
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

  private void commitNow() {
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

  /** Fails whatever waits for a commit or a read that will never come. */
  private void failPending() {
    IllegalStateException closed = new IllegalStateException("crawl database closed");
    for (Queue<Task> q : List.of(claims, writes)) {
      for (Task t; (t = q.poll()) != null; ) {
        if (t.future != null) {
          t.future.completeExceptionally(closed);
        }
      }
    }
    for (Task t : afterCommit) {
      t.future.completeExceptionally(closed);
    }
    afterCommit.clear();
  }

  private record Task(Runnable run, CompletableFuture<?> future) {
  }

  /** Writes what is queued, commits and closes the database. Blocks up to 60 s. */
  @Override
  public void close() {
    closing = true;
    if (loop != null) {
      closeOnLoop(abandoned ? db::closeWithoutCommit : db::close);
      return;
    }
    LockSupport.unpark(thread);
    join();
    if (!abandoned) {
      db.close();
    } else {
      db.closeWithoutCommit();
    }
  }

  /**
   * Stops at once without writing what is queued and closes the database without a commit:
   * a SIGKILL, for crash tests.
   */
  void abandon() {
    abandoned = true;
    closing = true;
    if (loop != null) {
      closeOnLoop(db::closeWithoutCommit);
      return;
    }
    LockSupport.unpark(thread);
    join();
    db.closeWithoutCommit();
  }

  /** Closes a database the loop writes, on the loop (or here, if the loop has stopped). */
  private void closeOnLoop(Runnable close) {
    Runnable last = () -> {
      if (!abandoned && !dbClosed) {
        writeSamples();
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
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("closing the crawl database failed: {}", e.toString());
    }
  }

  private void join() {
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
