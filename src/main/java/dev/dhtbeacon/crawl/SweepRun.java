package dev.dhtbeacon.crawl;

import dev.dhtbeacon.krpc.EgressGuard;
import dev.dhtbeacon.krpc.EgressRefusedException;
import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.QueryTimeoutException;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one sweep over a {@link SweepTable} on a node's event loop: picks the lowest waiting
 * nodes, has them admitted by the {@link SweepHooks}, sends their queries (aimed by
 * {@link SweepTargets}) within the {@link CrawlRateLimiter}'s allowance and a cap on queries in
 * flight, feeds the nodes named in replies back into the table, and ends when nothing is left to
 * ask, at the deadline, or on {@link #stop()}.
 *
 * <p>{@link SegmentScheduler} decides how many go at once and where, within a cap on queries
 * in flight that leaves out overdue ones ({@link InFlight}).
 *
 * <p>A send that fails (a socket error, an egress refusal: anything but a timeout) pauses the
 * sweep, 50 ms doubling up to 4 s while failures continue; the node is retried up to 3 times,
 * or never for an egress refusal. When the table runs dry, up to {@link #PROBE_ROUNDS} rounds
 * look in the node's own routing table for nodes inside the widest remaining gaps. Every
 * method runs on the loop.
 */
final class SweepRun {
  private static final Logger LOG = LoggerFactory.getLogger(SweepRun.class);
  static final int PROBE_ROUNDS = 2;
  static final int PROBE_GAPS = 32;
  private static final long BACKOFF_START_NANOS = 50_000_000L;
  private static final long BACKOFF_MAX_NANOS = 4_000_000_000L;
  private static final int MAX_SEND_RETRIES = 3;

  /** Why a sweep ended. */
  enum End { COMPLETE, DEADLINE, STOPPED }

  /**
   * @param maxInFlight queries awaiting a reply at once, not counting overdue ones (unanswered
   *     after TCP's retransmission timeout, at least 50 ms); with them,
   *     {@value InFlight#OVERDUE_FACTOR} times as many
   * @param lookahead nodes admitted (or being admitted) ahead of sending
   * @param timeoutMillis how long to wait for each reply
   * @param deadlineNanos when to stop, on the {@code nanoTime} scale
   */
  record Limits(int maxInFlight, int lookahead, long timeoutMillis, long deadlineNanos) {
  }

  /** Observes every query as it is handed to the socket (tests, benchmarks). */
  interface SendObserver {
    void sent(Contact to, QueryArgs query, long nanoTime);
  }

  /** Counters of one run. */
  static final class Counters {
    long sent;
    long answered;
    long errors;
    long timeouts;
    long mismatches;
    long sendFailures;
  }

  private final DhtNode node;
  private final SweepTable table;
  private final SweepHooks hooks;
  private final CrawlRateLimiter limiter;
  private final Limits limits;
  private final LongSupplier nanoTime;
  private final Clock clock;
  private final Random random;
  private final SendObserver observer;
  private final ScheduledExecutorService loop;
  private final Counters counters = new Counters();
  private final SweepTargets targets;
  private final SegmentScheduler segments;
  private final ArrayDeque<SweepTable.Entry> ready = new ArrayDeque<>();
  private final InFlight inFlight;
  private final RoundTrips roundTrips;
  private final CompletableFuture<End> done = new CompletableFuture<>();
  private int admitting;
  private int consecutiveSendFailures;
  private long pausedUntil = Long.MIN_VALUE;
  private boolean pumpQueued;
  private boolean inPump;
  private long timerAt = Long.MAX_VALUE;
  private int probeRounds;
  private boolean probing;
  private boolean stopped;

  SweepRun(DhtNode node, SweepTable table, SweepHooks hooks, CrawlRateLimiter limiter,
      Limits limits, LongSupplier nanoTime, Clock clock, Random random, SendObserver observer) {
    this.node = node;
    this.table = table;
    this.hooks = hooks;
    this.limiter = limiter;
    this.limits = limits;
    this.nanoTime = nanoTime;
    this.clock = clock;
    this.random = random;
    this.observer = observer;
    this.loop = node.eventLoop();
    this.roundTrips = new RoundTrips(limits.timeoutMillis());
    this.inFlight = new InFlight(limits.maxInFlight());
    this.targets = new SweepTargets(table);
    this.segments = new SegmentScheduler(table, targets, limiter,
        SegmentScheduler.segmentsFor(table.arc().span().doubleValue() / table.spacing(),
            limits.maxInFlight()));
  }

  /** Starts pumping (call on the loop); the future completes on the loop. */
  CompletableFuture<End> start() {
    LOG.debug("sweep starts: {} segments, {} nodes expected", segments.count(),
        Math.round(table.arc().span().doubleValue() / table.spacing()));
    requestPump();
    return done;
  }

  /** Stops sending; replies still in flight are still handed to the hooks. */
  void stop() {
    stopped = true;
    requestPump();
  }

  Counters counters() {
    return counters;
  }

  /** Logs, at debug level, what holds the sweep's pace now (called once a second). */
  void logPace() {
    if (LOG.isDebugEnabled()) {
      LOG.debug("sweep pace: {} in flight ({} overdue), {} ready, {} admitting, rtt {} ms,"
          + " settle {} ms, overdue after {} ms, {} sent, {} timeouts", inFlight.count(),
          inFlight.overdue(), ready.size(), admitting, roundTrips.smoothedMillis(),
          roundTrips.settleNanos() / 1_000_000, roundTrips.overdueNanos() / 1_000_000,
          counters.sent, counters.timeouts);
    }
  }

  SweepTargets targets() {
    return targets;
  }

  int segments() {
    return segments.count();
  }

  int inFlight() {
    return inFlight.count();
  }

  boolean finished() {
    return done.isDone();
  }

  /** Adds a node from outside the sweep (seeds, probes); returns whether it was new. */
  boolean offer(Contact c) {
    if (!usable(c)) {
      return false;
    }
    SweepTable.Entry e = table.add(c, hooks.askable(c));
    if (e != null) {
      targets.coverage().discovered(e, table.spacing());
      segments.added(e.position);
      hooks.discovered(e);
      requestPump();
    }
    return e != null;
  }

  private void requestPump() {
    if (!pumpQueued) {
      pumpQueued = true;
      execute(this::pump);
    }
  }

  /** Calls the pump at {@code atNanos} ({@link Long#MAX_VALUE}: never) or before. */
  private void pumpAt(long atNanos) {
    if (atNanos == Long.MAX_VALUE
        || (atNanos >= timerAt && timerAt > nanoTime.getAsLong())) {
      return;
    }
    timerAt = atNanos;
    long delay = Math.max(0, atNanos - nanoTime.getAsLong());
    try {
      loop.schedule(() -> {
        timerAt = Long.MAX_VALUE;
        pump();
      }, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      finish(End.STOPPED);
    }
  }

  private void pump() {
    pumpQueued = false;
    if (done.isDone()) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (stopped) {
      finish(End.STOPPED);
      return;
    }
    if (now - limits.deadlineNanos() >= 0) {
      finish(End.DEADLINE);
      return;
    }
    if (now < pausedUntil) {
      pumpAt(pausedUntil);
      return;
    }
    inPump = true;
    try {
      admitMore();
      sendReady();
    } finally {
      inPump = false;
    }
    if (admitting == 0 && ready.isEmpty()) {
      // Nothing to send: the segments wait for their queries in flight. A query to a dead node
      // ends that wait once it has gone unanswered for the settle time, but no reply will say
      // so, so the pump is called back then.
      pumpAt(inFlight.nextSettledAt(now, roundTrips.settleNanos()));
    }
    if (admitting == 0 && ready.isEmpty() && inFlight.count() == 0 && !probing) {
      if (!table.hasPending()) {
        probe();
      } else {
        long wait = table.earliestNotBefore() - clock.millis();
        pumpAt(now + TimeUnit.MILLISECONDS.toNanos(Math.max(20, Math.min(wait, 1_000))));
      }
    }
    pumpAt(Math.min(limits.deadlineNanos(), now + 1_000_000_000L));
  }

  private void admitMore() {
    int room = limits.lookahead() - admitting - ready.size();
    // Refill in quarters of the lookahead, not one entry per send: each pick walks every
    // segment, and under a low rate cap a pump runs for every single query.
    List<SweepTable.Entry> picked = room < Math.max(1, limits.lookahead() / 4) ? List.of()
        : segments.pick(room, nanoTime.getAsLong(), clock.millis(), roundTrips.settleNanos(),
            this::usable);
    if (picked.isEmpty()) {
      return;
    }
    admitting += picked.size();
    hooks.admit(picked).whenComplete((admissions, error) -> execute(() -> {
      admitting -= picked.size();
      if (error != null) {
        done.completeExceptionally(error);
        return;
      }
      for (int i = 0; i < picked.size(); i++) {
        SweepTable.Entry e = picked.get(i);
        SweepHooks.Admission a = admissions.get(i);
        if (a.verdict() == SweepHooks.Verdict.ASK) {
          e.bep51 = a.bep51();
          e.status = SweepTable.Status.READY;
          ready.addLast(e);
        } else if (a.verdict() == SweepHooks.Verdict.DEFER) {
          segments.done(e);
          table.defer(e, a.notBeforeMillis());
        } else {
          segments.done(e);
          table.skip(e);
        }
      }
      requestPump();
    }));
  }

  private void sendReady() {
    inFlight.markOverdue(nanoTime.getAsLong(), roundTrips.overdueNanos());
    long wait = 0;
    for (int tries = ready.size(); tries > 0 && !ready.isEmpty() && inFlight.hasRoom();
        tries--) {
      SweepTable.Entry e = ready.pollFirst();
      InetAddress ip = e.contact.address().getAddress();
      long w = limiter.tryAcquire(ip);
      if (w == 0) {
        send(e);
      } else if (limiter.globalWait() > 0) {
        ready.addFirst(e);
        wait = w;
        break;
      } else {
        ready.addLast(e);
        wait = wait == 0 ? w : Math.min(wait, w);
      }
    }
    if (wait > 0) {
      pumpAt(nanoTime.getAsLong() + wait);
    }
    if (!ready.isEmpty() && !inFlight.hasRoom()) {
      pumpAt(inFlight.nextOverdueAt(roundTrips.overdueNanos()));
    }
  }

  private void send(SweepTable.Entry e) {
    NodeId target = targets.targetFor(e, random);
    QueryArgs args = hooks.query(e, target);
    e.status = SweepTable.Status.IN_FLIGHT;
    long sentAt = nanoTime.getAsLong();
    inFlight.sent(e, sentAt);
    counters.sent++;
    if (observer != null) {
      observer.sent(e.contact, args, sentAt);
    }
    node.queryOnLoop(e.contact, args, limits.timeoutMillis()).whenComplete((reply, error) -> {
      if (inPump) {
        execute(() -> onReply(e, reply, error, sentAt));
      } else {
        onReply(e, reply, error, sentAt);
      }
    });
  }

  private void onReply(SweepTable.Entry e, Reply reply, Throwable error, long sentAt) {
    inFlight.ended(e);
    long rttNanos = nanoTime.getAsLong() - sentAt;
    long rtt = Math.max(0, TimeUnit.NANOSECONDS.toMillis(rttNanos));
    if (reply != null) {
      roundTrips.add(rttNanos);
    }
    if (error != null) {
      onFailure(e, error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error);
    } else if (reply instanceof Response r) {
      consecutiveSendFailures = 0;
      if (!r.sender().equals(e.contact.id())) {
        counters.mismatches++;
        e.status = SweepTable.Status.MISMATCH;
      } else {
        counters.answered++;
        e.status = SweepTable.Status.ANSWERED;
        hooks.answered(e, r, rtt);
        for (Contact c : r.allNodes()) {
          offer(c);
        }
        targets.coverage().answered(e, r.allNodes(), table.spacing());
      }
    } else if (reply instanceof ErrorReply err) {
      consecutiveSendFailures = 0;
      counters.errors++;
      e.status = SweepTable.Status.ANSWERED;
      hooks.erred(e, err, rtt);
    }
    targets.coverage().release(e);
    if (e.status.finished()) {
      segments.done(e);
    }
    table.flushIfFull();
    requestPump();
  }

  private void onFailure(SweepTable.Entry e, Throwable cause) {
    if (cause instanceof QueryTimeoutException) {
      counters.timeouts++;
      e.status = SweepTable.Status.FAILED;
      hooks.timedOut(e);
      return;
    }
    counters.sent--;
    counters.sendFailures++;
    if (cause instanceof ClosedChannelException) {
      stopped = true;
      return;
    }
    consecutiveSendFailures++;
    long pause = Math.min(BACKOFF_MAX_NANOS,
        BACKOFF_START_NANOS << Math.min(20, consecutiveSendFailures - 1));
    pausedUntil = nanoTime.getAsLong() + pause;
    if (consecutiveSendFailures == 1 || pause >= BACKOFF_MAX_NANOS) {
      LOG.info("crawl: a query could not be sent ({} in a row), pausing {} ms: {}",
          consecutiveSendFailures, pause / 1_000_000, cause.toString());
    }
    if (cause instanceof EgressRefusedException || ++e.sendRetries > MAX_SEND_RETRIES) {
      e.status = SweepTable.Status.SKIPPED;
    } else {
      e.status = SweepTable.Status.READY;
      ready.addFirst(e);
    }
  }

  /** Looks for unknown nodes inside the widest gaps in the node's own table, then ends. */
  private void probe() {
    if (probeRounds >= PROBE_ROUNDS) {
      finish(End.COMPLETE);
      return;
    }
    probeRounds++;
    probing = true;
    List<CompletableFuture<List<Contact>>> asks = new ArrayList<>();
    for (NodeId middle : table.widestGaps(PROBE_GAPS, 4)) {
      asks.add(node.closestKnown(middle, 8));
    }
    CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .whenComplete((ignored, error) -> execute(() -> {
          probing = false;
          boolean added = false;
          for (CompletableFuture<List<Contact>> f : asks) {
            if (!f.isCompletedExceptionally()) {
              for (Contact c : f.join()) {
                added |= offer(c);
              }
            }
          }
          if (!added) {
            finish(End.COMPLETE);
          } else {
            requestPump();
          }
        }));
  }

  /** Whether a contact may be asked at all: a permitted address (never port 0), not us. */
  boolean usable(Contact c) {
    InetAddress ip = c.address().getAddress();
    return EgressGuard.permits(node.mode(), c.address()) && !c.id().equals(node.id())
        && (ip instanceof Inet6Address) == (node.address().getAddress() instanceof Inet6Address);
  }

  private void finish(End end) {
    done.complete(end);
  }

  private void execute(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      done.complete(End.STOPPED);
    }
  }
}
