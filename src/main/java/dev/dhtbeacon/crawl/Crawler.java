package dev.dhtbeacon.crawl;

import dev.dhtbeacon.krpc.Query;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.node.BootFile;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.store.CrawlDatabase;
import dev.dhtbeacon.store.CrawlNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHT crawler: sweeps of the keyspace from a running {@link DhtNode}, a crawl database,
 * size estimates and the healthiest nodes for a {@code .boot} file.
 *
 * <pre>{@code
 * CrawlSummary s = Crawler.start(node, CrawlSettings.defaults().withDatabase(db),
 *     p -> System.err.println(p.line())).join();
 * }</pre>
 *
 * <p>For {@code crawl --boot-out}: {@link #open}, {@link #sweep()}, then {@link #healthiest}
 * and {@link dev.dhtbeacon.node.BootFile#save}, then {@link #close()}. For {@code serve
 * --crawl}: {@link #open} with a low rate and {@link CrawlSettings#bootOut()}, then
 * {@link #runContinuously}.
 *
 * <p>One crawler per node at a time: it listens to the node's queries until {@link #close()}
 * detaches it. Futures and progress callbacks complete on the crawler's own thread, never on the
 * node's event loop. The node keeps running its own maintenance; the crawl's answers also
 * refresh its routing table (and so its own {@code .boot}). The zone estimate's queries go
 * through the crawl's rate limit; the lookup estimate's go through the node's lookups.
 */
public final class Crawler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Crawler.class);
  private static final int READ_ONLY_MEMORY = 4_096;
  private static final long BOOT_EVERY_MILLIS = 5 * 60_000;
  /**
   * Lookups behind the lookup estimate. Each carries a relative spread of 1/√6 (k = 8), so 128
   * give 3.6%; 32 spread by 7.3% over repeated crawls and often read more than 10% off
   * (BENCHMARKS.md).
   */
  static final int SIZE_LOOKUPS = 128;

  private final DhtNode node;
  private final CrawlSettings settings;
  private final CrawlListener listener;
  private final CrawlRecorder recorder;
  private final EstimateHistory history;
  private final CrawlRateLimiter limiter;
  private final ScheduledExecutorService callbacks;
  private final BiConsumer<Query, InetSocketAddress> queryListener = this::onQuery;
  private final Random random = new SecureRandom();
  private final Map<NodeId, Boolean> readOnlySeen = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, Boolean> eldest) {
      return size() > READ_ONLY_MEMORY;
    }
  };
  private volatile KeyspaceCrawler current;
  private volatile CompletableFuture<CrawlSummary> currentSweep;
  private volatile Thread callbackThread;
  private volatile boolean closed;
  private volatile boolean continuous;

  private Crawler(DhtNode node, CrawlSettings settings, CrawlListener listener,
      CrawlDatabase db) {
    this.node = node;
    this.settings = settings;
    this.listener = listener;
    // In memory, the node's loop writes the records itself; a file gets a writer thread.
    this.recorder = new CrawlRecorder(db, db.isInMemory() ? node.eventLoop() : null);
    this.history = new EstimateHistory(recorder::estimate, settings.clock());
    this.limiter = new CrawlRateLimiter(settings.rate(), settings.burst(), settings.perIpRate(),
        settings.perIpBurst(), settings.nanoTime());
    this.callbacks = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "crawl-callbacks");
      t.setDaemon(true);
      callbackThread = t;
      return t;
    });
    node.addQueryListener(queryListener);
  }

  /** On the node's event loop: read-only queriers are recorded, others join the sweep. */
  private void onQuery(Query q, InetSocketAddress from) {
    if (closed) {
      return;
    }
    if (q.readOnly()) {
      if (readOnlySeen.put(q.sender(), Boolean.TRUE) == null) {
        recorder.readOnly(q.sender(), from, settings.clock().millis());
      }
    } else {
      KeyspaceCrawler c = current;
      if (c != null) {
        c.heardFrom(new Contact(q.sender(), from));
      }
    }
  }

  /**
   * A crawler on a started node, with its database opened (or created) at
   * {@code settings.database()}, or in memory.
   *
   * @throws IOException if the database cannot be opened
   */
  public static Crawler open(DhtNode node, CrawlSettings settings, CrawlListener listener)
      throws IOException {
    CrawlDatabase db = settings.database() == null ? CrawlDatabase.inMemory()
        : CrawlDatabase.open(settings.database());
    return new Crawler(node, settings, listener == null ? CrawlListener.none() : listener, db);
  }

  /**
   * Opens a crawler, runs one sweep (resuming an unfinished one from the database) and the
   * estimates, then closes the database.
   *
   * @return the summary; fails if the database cannot be opened
   */
  public static CompletableFuture<CrawlSummary> start(DhtNode node, CrawlSettings settings,
      CrawlListener listener) {
    Crawler crawler;
    try {
      crawler = open(node, settings, listener);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return crawler.sweep().whenComplete((s, e) -> crawler.close());
  }

  /**
   * Runs one sweep, then (if {@link CrawlSettings#estimates()}) the zone and lookup size
   * estimates, all within {@link CrawlSettings#duration()}: the sweep gets the duration less a
   * quarter of it (at most 20 s) that is kept for the estimates. One still running
   * {@value SweepWatchdog#STUCK_AFTER_TIMEOUTS} query timeouts after the duration fails, and the
   * log gets every thread's stack.
   */
  public CompletableFuture<CrawlSummary> sweep() {
    long startNanos = settings.nanoTime().getAsLong();
    Duration duration = settings.duration();
    long total = duration == null ? Long.MAX_VALUE / 4 : duration.toNanos();
    long reserve = settings.estimates() ? Math.min(20_000_000_000L, total / 4) : 0;
    KeyspaceCrawler crawler = new KeyspaceCrawler(node, recorder, limiter, settings, random,
        this::sent);
    current = crawler;
    ScheduledFuture<?> ticker = startProgress(crawler, startNanos);
    CompletableFuture<CrawlSummary> result = crawler.sweep(startNanos + total - reserve)
        .thenComposeAsync(r -> estimates(r, startNanos + total)
            .thenApply(e -> summary(r, e, startNanos)), callbacks)
        .whenCompleteAsync((s, e) -> {
          ticker.cancel(false);
          if (s != null) {
            CrawlProgress last = progress(crawler, startNanos, 0);
            history.sweepEnded(s, last);
            listener.onProgress(last);
          }
        }, callbacks);
    currentSweep = result;
    if (duration != null) {
      SweepWatchdog.watch(result, duration, settings.queryTimeout(), callbacks);
    }
    return result;
  }

  /**
   * Sweeps until {@link #close()}, one after the other, pausing {@code pause} between them.
   * Nodes are never asked again before the BEP 51 interval they gave. With
   * {@link CrawlSettings#bootOut()} set, the healthiest nodes are written there after each
   * sweep and every five minutes.
   *
   * @param afterSweep told of each sweep's summary (on the crawler's thread)
   * @return completes when the crawler is closed
   */
  public CompletableFuture<Void> runContinuously(Duration pause,
      Consumer<CrawlSummary> afterSweep) {
    continuous = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    ScheduledFuture<?> boot = settings.bootOut() == null ? null
        : callbacks.scheduleWithFixedDelay(this::writeBootOut, BOOT_EVERY_MILLIS,
            BOOT_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (closed) {
        if (boot != null) {
          boot.cancel(false);
        }
        done.complete(null);
        return;
      }
      sweep().whenComplete((s, e) -> {
        if (e != null && !closed) {
          LOG.warn("crawl sweep failed: {}", e.toString());
        }
        if (s != null) {
          writeBootOut();
          afterSweep.accept(s);
        }
        try {
          callbacks.schedule(next[0], pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
          done.complete(null);
        }
      });
    };
    callbacks.execute(next[0]);
    return done;
  }

  /**
   * The healthiest nodes in the database: answered within 15 minutes, one per IP, lowest RTT
   * first. Blocks while the database is read; never call it on an event loop.
   */
  public List<Contact> healthiest(int max) {
    long now = settings.clock().millis();
    return recorder.read(db -> db.healthiest(max, now, BootFile.FRESHNESS.toMillis())).join()
        .stream().map(Crawler::contact).filter(c -> c != null).toList();
  }

  /**
   * Runs {@code read} on the crawl database, on the thread that writes it (the crawler's
   * writer thread, or for a database in memory the node's event loop) once every write
   * handed over before it is applied (so after {@link #sweep()} completes it sees the whole
   * sweep, its estimate sample included). The database must not escape {@code read}; its
   * writes, if any, are committed with the crawl's. For reports of in-memory crawls, which
   * vanish at {@link #close()}.
   *
   * @return completes with {@code read}'s result, or exceptionally if it threw or the crawler
   *     is closed
   */
  public <T> CompletableFuture<T> readDatabase(Function<CrawlDatabase, T> read) {
    return recorder.read(read);
  }

  /** Asks the current sweep to end now (its summary still comes). */
  public void stop() {
    KeyspaceCrawler c = current;
    if (c != null) {
      c.stop();
    }
  }

  /** Stops, writes what is queued, commits and closes the database. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    node.removeQueryListener(queryListener);
    stop();
    CompletableFuture<CrawlSummary> sweep = currentSweep;
    if (sweep != null && !sweep.isDone() && Thread.currentThread() != callbackThread) {
      try {
        // Let the stopped sweep save its state; bounded, since a stuck disk must not hang us.
        sweep.get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
          | java.util.concurrent.CancellationException e) {
        LOG.debug("sweep ended with {}", e.toString());
      }
    }
    if (continuous) {
      writeBootOut();
    }
    recorder.close();
    callbacks.shutdown();
  }

  /** Stops sending and drops everything not yet committed, as SIGKILL would. For tests. */
  void crashForTest() {
    closed = true;
    node.removeQueryListener(queryListener);
    recorder.abandon();
    stop();
    callbacks.shutdownNow();
  }

  private void writeBootOut() {
    if (settings.bootOut() == null) {
      return;
    }
    try {
      List<Contact> best = healthiest(BootFile.MAX_SAVED_ENTRIES);
      if (!best.isEmpty()) {
        BootFile.save(settings.bootOut(), best, "healthiest nodes from the crawl");
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write {}: {}", settings.bootOut(), e.toString());
    }
  }

  private CompletableFuture<Estimates> estimates(KeyspaceCrawler.Result r, long deadlineNanos) {
    double rough = liveDensityEstimate(r.answered(), r.timeouts(), r.spacing());
    if (!settings.estimates() || closed) {
      return CompletableFuture.completedFuture(new Estimates(null, null));
    }
    long left = Math.max(1_000_000_000L, deadlineNanos - settings.nanoTime().getAsLong());
    CompletableFuture<SizeEstimate> zone = Double.isFinite(rough) && rough > 0
        ? ZoneSizeEstimator.estimate(node, rough, limiter, settings,
            settings.nanoTime().getAsLong() + left, random)
            .thenApply(ZoneSizeEstimator.Result::estimate)
        : CompletableFuture.completedFuture(null);
    CompletableFuture<SizeEstimate> lookup = LookupSizeEstimator.estimate(node, SIZE_LOOKUPS)
        .orTimeout(left, TimeUnit.NANOSECONDS);
    return zone.exceptionally(e -> null)
        .thenCombine(lookup.exceptionally(e -> null), Estimates::new);
  }

  private record Estimates(SizeEstimate zone, SizeEstimate lookup) {
  }

  /**
   * Live nodes extrapolated from the sweep: the keyspace over the spacing of the nodes found
   * behind the cursor, times the share of asked nodes that answered; NaN before there is
   * anything to go on.
   */
  static double liveDensityEstimate(long answered, long timeouts, double spacing) {
    if (!(spacing > 0) || answered + timeouts == 0) {
      return Double.NaN;
    }
    return Arc.KEYSPACE.doubleValue() / spacing * answered / (answered + timeouts);
  }

  private CrawlSummary summary(KeyspaceCrawler.Result r, Estimates e, long startNanos) {
    return new CrawlSummary(r.found(), r.answered(), r.sent(), recorder.infohashCount(), e.zone,
        e.lookup, (settings.nanoTime().getAsLong() - startNanos) / 1e9,
        r.end() == SweepRun.End.COMPLETE ? 100 : r.cursorFraction() * 100,
        r.end() == SweepRun.End.COMPLETE, r.sweep(), r.resumed(), r.timeouts(), r.mismatches());
  }

  private ScheduledFuture<?> startProgress(KeyspaceCrawler crawler, long startNanos) {
    QueryRate rate = new QueryRate(startNanos);
    return callbacks.scheduleAtFixedRate(() -> {
      KeyspaceCrawler.Snapshot s = crawler.snapshot();
      CrawlProgress p = progress(crawler, startNanos, rate.update(s.sent(), s.atNanos()));
      history.progress(p);
      try {
        listener.onProgress(p);
      } catch (RuntimeException e) {
        LOG.warn("crawl progress listener failed: {}", e.toString());
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  private CrawlProgress progress(KeyspaceCrawler crawler, long startNanos, double qps) {
    KeyspaceCrawler.Snapshot s = crawler.snapshot();
    return new CrawlProgress(s.found(), s.answered(), s.sent(), qps, recorder.infohashCount(),
        s.cursorFraction() * 100,
        liveDensityEstimate(s.answered(), s.timeouts(), s.spacing()),
        (settings.nanoTime().getAsLong() - startNanos) / 1e9);
  }

  private void sent(Contact to, QueryArgs query, long nanoTime) {
    listener.onQuerySent(to, query, nanoTime);
  }

  static Contact contact(CrawlNode n) {
    try {
      return new Contact(NodeId.ofHex(n.idHex()),
          new InetSocketAddress(InetAddress.getByAddress(n.ip()), n.port()));
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
  }
}
