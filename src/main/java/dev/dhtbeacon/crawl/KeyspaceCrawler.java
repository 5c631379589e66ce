package dev.dhtbeacon.crawl;

import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.store.CrawlNode;
import dev.dhtbeacon.store.CrawlState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * One sweep of the whole keyspace from 0x00… upward, on a node's event loop: every node heard
 * of (in replies, in the node's routing table, or because it queried us) is asked once, with
 * {@code sample_infohashes} unless it is known not to support BEP 51 (then {@code find_node});
 * {@link SweepTable} orders them and {@link SweepTargets} aims each query. Everything learnt
 * goes to the {@link CrawlRecorder}; each node is claimed in the database before it is asked,
 * so a sweep resumed after a crash skips whoever was asked before it, and the database also
 * says who failed twice (skipped) and whose BEP 51 interval has not passed (deferred).
 *
 * <p>The sweep starts from the node's routing table and any configured seeds: the lowest of
 * them, aimed below itself, works as a lookup toward 0x00…, each step of it some node's one
 * query, so no node is asked twice for it (a {@code findNode} lookup would ask them again).
 *
 * <p>A node is BEP 51-capable when its answer carries {@code interval} or {@code samples}; an
 * answer without them, or error 204, marks it as not (that answer was its one query of the
 * sweep: it is not asked again with {@code find_node}).
 */
final class KeyspaceCrawler implements SweepHooks {
  /** BEP 51 caps {@code interval} at six hours. */
  static final int MAX_INTERVAL_SECONDS = 21_600;

  /** What a sweep did. */
  record Result(long sweep, SweepRun.End end, boolean resumed, long found, long answered,
      long sent, long timeouts, long errors, long mismatches, double cursorFraction,
      double spacing) {
  }

  private final DhtNode node;
  private final CrawlRecorder recorder;
  private final CrawlRateLimiter limiter;
  private final CrawlSettings settings;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final Random random;
  private final SweepRun.SendObserver observer;
  private volatile Snapshot snapshot = Snapshot.EMPTY;
  private SweepRun run;
  private SweepTable table;
  private CrawlState base;
  private long sweep;
  private long restored;
  private boolean resumed;

  /** Loop-written, thread-safe-to-read view for progress lines. */
  record Snapshot(long found, long answered, long sent, double cursorFraction, double spacing,
      long timeouts, long atNanos) {
    static final Snapshot EMPTY = new Snapshot(0, 0, 0, 0, 0, 0, Long.MIN_VALUE);
  }

  KeyspaceCrawler(DhtNode node, CrawlRecorder recorder, CrawlRateLimiter limiter,
      CrawlSettings settings, Random random, SweepRun.SendObserver observer) {
    this.node = node;
    this.recorder = recorder;
    this.limiter = limiter;
    this.settings = settings;
    this.clock = settings.clock();
    this.nanoTime = settings.nanoTime();
    this.random = random;
    this.observer = observer;
  }

  /**
   * Runs (or resumes) a sweep until it completes, {@code deadlineNanos} passes or
   * {@link #stop()}; the result completes off the loop.
   */
  CompletableFuture<Result> sweep(long deadlineNanos) {
    CompletableFuture<NodeId> spacingProbe = node.closestKnown(node.id(), 8)
        .thenApply(c -> c.isEmpty() ? null : c.get(c.size() - 1).id());
    CompletableFuture<List<Contact>> seeds = node.closestKnown(NodeId.zero(), 4_096);
    return recorder.read(this::load)
        .thenCombine(spacingProbe, (s, far) -> new Start(s.state, s.saved, far, List.of()))
        .thenCombine(seeds, (s, list) -> new Start(s.state, s.saved, s.farthest, list))
        .thenCompose(s -> onLoop(() -> begin(s, deadlineNanos)))
        .thenCompose(this::finish);
  }

  /** What a sweep starts from. */
  private record Start(CrawlState state, List<CrawlNode> saved, NodeId farthest,
      List<Contact> seeds) {
  }

  /** Where the writes run: the unfinished sweep to resume, or a new one. */
  private Start load(dev.dhtbeacon.store.CrawlDatabase db) {
    CrawlState state = db.state();
    if (state.inProgress()) {
      state = recounted(db, state);
      return new Start(state, db.nodesFrom(state.horizonHex(), settings.maxTableEntries()),
          null, List.of());
    }
    String zero = NodeId.zero().hex();
    state = new CrawlState(state.sweep() + 1, true, zero, zero, clock.millis(), 0, 0, 0, 0, 0);
    db.saveState(state);
    return new Start(state, List.of(), null, List.of());
  }

  /**
   * The state of an interrupted sweep with its counts taken from the node records. The saved
   * counts lag the claims (state is saved once a second, claims before every query), so after
   * a crash they would undercount what the sweep did: every node claimed in this sweep was
   * sent its query, and those that answered since the sweep began did answer.
   */
  private static CrawlState recounted(dev.dhtbeacon.store.CrawlDatabase db, CrawlState state) {
    long[] claimed = {0};
    long[] answered = {0};
    long[] seen = {0};
    db.forEachNode(n -> {
      if (n.sweep() == state.sweep()) {
        claimed[0]++;
        if (n.lastAnsweredMillis() >= state.startedMillis()) {
          answered[0]++;
        }
      }
      if (n.firstSeenMillis() >= state.startedMillis()) {
        seen[0]++;
      }
    });
    long sent = Math.max(state.queriesSent(), claimed[0]);
    long ok = Math.max(state.answered(), answered[0]);
    return new CrawlState(state.sweep(), true, state.cursorHex(), state.horizonHex(),
        state.startedMillis(), sent, ok, state.failed(), state.mismatches(),
        Math.max(state.nodesFound(), Math.max(claimed[0], seen[0])));
  }

  private <T> CompletableFuture<T> onLoop(java.util.function.Supplier<CompletableFuture<T>> task) {
    CompletableFuture<T> out = new CompletableFuture<>();
    node.eventLoop().execute(() -> {
      CompletableFuture<T> started;
      try {
        started = task.get();
      } catch (RuntimeException e) {
        // Else the sweep's future would never complete, and nothing would say why.
        out.completeExceptionally(e);
        return;
      }
      started.whenComplete((v, error) -> {
        if (error != null) {
          out.completeExceptionally(error);
        } else {
          out.complete(v);
        }
      });
    });
    return out;
  }

  private CompletableFuture<SweepRun.End> begin(Start start, long deadlineNanos) {
    CrawlState state = start.state;
    base = state;
    sweep = state.sweep();
    resumed = !start.saved.isEmpty() || state.queriesSent() > 0;
    double guess = start.farthest == null ? Arc.KEYSPACE.doubleValue() / 1_000
        : Arc.value(node.id().xor(start.farthest)).doubleValue() / 8;
    table = new SweepTable(Arc.full(), guess, settings.maxTableEntries());
    if (resumed) {
      table.segments().resumeAt(Int192.parseHex(state.cursorHex()),
          Int192.parseHex(state.horizonHex()));
    }
    for (CrawlNode n : start.saved) {
      SweepTable.Status status = n.sweep() == sweep ? SweepTable.Status.ANSWERED
          : n.failures() >= 2 ? SweepTable.Status.SKIPPED : SweepTable.Status.PENDING;
      Contact c = Crawler.contact(n);
      if (c != null && table.restore(c, status, n.bep51()) != null) {
        restored++;
      }
    }
    run = new SweepRun(node, table, this, limiter, new SweepRun.Limits(settings.maxInFlight(),
        settings.lookahead(), settings.queryTimeout().toMillis(), deadlineNanos), nanoTime,
        clock, random, observer);
    for (Contact c : settings.seeds()) {
      run.offer(c);
    }
    for (Contact c : start.seeds) {
      run.offer(c);
    }
    CompletableFuture<SweepRun.End> end = run.start();
    scheduleStateSave();
    return end;
  }

  private void scheduleStateSave() {
    try {
      node.eventLoop().schedule(() -> {
        if (!run.finished()) {
          publishSnapshot();
          run.logPace();
          recorder.saveState(state(true));
          scheduleStateSave();
        }
      }, 1, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The node is closing; the sweep ends with it.
    }
  }

  private CompletableFuture<Result> finish(SweepRun.End end) {
    CompletableFuture<Result> result = new CompletableFuture<>();
    node.eventLoop().execute(() -> {
      publishSnapshot();
      recorder.saveState(state(end != SweepRun.End.COMPLETE));
      SweepRun.Counters c = run.counters();
      Result r = new Result(sweep, end, resumed, found(), base.answered() + c.answered + c.errors,
          base.queriesSent() + c.sent, base.failed() + c.timeouts, c.errors,
          base.mismatches() + c.mismatches, table.segments().cursorFraction(), table.spacing());
      recorder.commit().whenComplete((v, error) -> result.complete(r));
    });
    return result;
  }

  /**
   * A node that queried ours: it exists, so the sweep adds it like a node named in a reply.
   * Called on the node's event loop.
   */
  void heardFrom(Contact c) {
    SweepRun r = run;
    if (r != null && !r.finished()) {
      r.offer(c);
    }
  }

  /** Stops sending (replies in flight are still recorded). */
  void stop() {
    node.eventLoop().execute(() -> {
      if (run != null) {
        run.stop();
      }
    });
  }

  Snapshot snapshot() {
    return snapshot;
  }

  private void publishSnapshot() {
    SweepRun.Counters c = run.counters();
    snapshot = new Snapshot(found(), base.answered() + c.answered + c.errors,
        base.queriesSent() + c.sent, table.segments().cursorFraction(), table.spacing(),
        base.failed() + c.timeouts, nanoTime.getAsLong());
  }

  private long found() {
    return base.nodesFound() + table.found() - restored;
  }

  private CrawlState state(boolean inProgress) {
    SweepRun.Counters c = run.counters();
    return new CrawlState(sweep, inProgress, hex(table.segments().highestCursor()),
        hex(table.horizon()), base.startedMillis(), base.queriesSent() + c.sent,
        base.answered() + c.answered + c.errors, base.failed() + c.timeouts,
        base.mismatches() + c.mismatches, found());
  }

  // ---- SweepHooks

  @Override
  public CompletableFuture<List<Admission>> admit(List<SweepTable.Entry> picked) {
    List<Contact> contacts = new ArrayList<>(picked.size());
    for (SweepTable.Entry e : picked) {
      contacts.add(e.contact);
    }
    return recorder.claim(sweep, contacts, clock.millis());
  }

  @Override
  public boolean askable(Contact contact) {
    return true;
  }

  @Override
  public QueryArgs query(SweepTable.Entry entry, NodeId target) {
    return entry.bep51 == 0 ? new QueryArgs.FindNode(target, Want.UNSPECIFIED)
        : new QueryArgs.SampleInfohashes(target, Want.UNSPECIFIED);
  }

  @Override
  public void discovered(SweepTable.Entry entry) {
    recorder.discovered(entry.contact, clock.millis());
  }

  @Override
  public void answered(SweepTable.Entry entry, Response r, long rttMillis) {
    boolean askedBep51 = entry.bep51 != 0;
    boolean bep51 = r.interval() != null || !r.samples().isEmpty();
    int support = bep51 ? 1 : askedBep51 ? 0 : -1;
    int interval = r.interval() == null ? -1
        : Math.max(0, Math.min(MAX_INTERVAL_SECONDS, r.interval()));
    long num = r.num() == null ? -1 : Math.max(0, r.num());
    long now = clock.millis();
    recorder.answered(entry.contact, r.version(), rttMillis, now, support,
        bep51 ? num : -1, bep51 ? interval : -1);
    if (!r.samples().isEmpty()) {
      recorder.samples(entry.contact.id(), r.samples(), now);
    }
  }

  @Override
  public void erred(SweepTable.Entry entry, ErrorReply error, long rttMillis) {
    int support = error.code() == ErrorReply.METHOD_UNKNOWN && entry.bep51 != 0 ? 0 : -1;
    recorder.answered(entry.contact, error.version(), rttMillis, clock.millis(), support, -1, -1);
  }

  @Override
  public void timedOut(SweepTable.Entry entry) {
    recorder.failed(entry.contact, clock.millis());
  }

  static String hex(Int192 value) {
    return Arc.id(value).hex();
  }
}
