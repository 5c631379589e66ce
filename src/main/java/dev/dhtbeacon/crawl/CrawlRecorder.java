package dev.dhtbeacon.crawl;

import dev.dhtbeacon.routing.Bep42;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.store.CrawlDatabase;
import dev.dhtbeacon.store.CrawlNode;
import dev.dhtbeacon.store.CrawlState;
import dev.dhtbeacon.store.EstimateSample;
import dev.dhtbeacon.store.InfohashReport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What the crawl writes to its database: the crawler hands it observations (fire and forget)
 * and claims (which it completes once they are durable). Where and when they are written is
 * its {@link CrawlWriter}'s: a {@link WriterThread} for a file, so that no MapDB write ever runs
 * on an event loop; for a database in memory the crawler's event loop itself, a
 * {@link LoopWriter}. Infohash reports are held back and written together.
 */
final class CrawlRecorder implements AutoCloseable {
  private final CrawlDatabase db;
  private final CrawlWriter writer;
  private final AtomicLong infohashes;
  /** Reports not yet written; touched by the writer only. */
  private final List<InfohashReport> sampled = new ArrayList<>();

  /** A recorder with a writer thread of its own. */
  CrawlRecorder(CrawlDatabase db) {
    this(db, null);
  }

  /**
   * @param loop null for a writer thread of its own; else the crawler's event loop, which then
   *     writes the database itself (meant for a database in memory; see {@link LoopWriter})
   */
  CrawlRecorder(CrawlDatabase db, ExecutorService loop) {
    this.db = db;
    this.infohashes = new AtomicLong(db.infohashCount());
    CrawlWriter.HeldBack held = new CrawlWriter.HeldBack() {
      @Override
      public int size() {
        return sampled.size();
      }

      @Override
      public void write() {
        writeSamples();
      }
    };
    this.writer = loop == null ? new WriterThread(db, held) : new LoopWriter(db, held, loop);
  }

  /** Distinct infohashes in the database. */
  long infohashCount() {
    return infohashes.get();
  }

  /** Ordinary writes waiting. */
  int backlog() {
    return writer.backlog();
  }

  /**
   * Claims the nodes for a query in {@code sweep} and decides, from what the database knows,
   * whether each may be asked: not if it already was in this sweep or failed twice in a row,
   * later if a BEP 51 interval it gave has not passed. Completes once the claims are durable.
   */
  CompletableFuture<List<SweepHooks.Admission>> claim(long sweep, List<Contact> nodes,
      long nowMillis) {
    CompletableFuture<List<SweepHooks.Admission>> f = new CompletableFuture<>();
    writer.submit(true, () -> {
      List<SweepHooks.Admission> out = new ArrayList<>(nodes.size());
      for (Contact c : nodes) {
        out.add(claimOne(sweep, c, nowMillis));
      }
      writer.afterCommit(f, () -> f.complete(out));
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
    byte[] by = reporter.bytes();
    writer.write(() -> {
      for (NodeId h : hashes) {
        sampled.add(new InfohashReport(h, by, nowMillis));
      }
    }, 0);
  }

  /** Writes the held-back infohash reports (before a commit or a read). */
  private void writeSamples() {
    infohashes.addAndGet(db.reportInfohashes(sampled));
    sampled.clear();
  }

  void estimate(EstimateSample sample) {
    write(() -> db.addEstimate(sample));
  }

  void saveState(CrawlState state) {
    write(() -> db.saveState(state));
  }

  /** Runs {@code read} where the writes run, after every write handed over before it. */
  <T> CompletableFuture<T> read(Function<CrawlDatabase, T> read) {
    CompletableFuture<T> f = new CompletableFuture<>();
    writer.submit(false, () -> {
      writer.writeHeld();
      f.complete(read.apply(db));
    }, f);
    return f;
  }

  /** Commits now, with every write handed over before; completes when durable. */
  CompletableFuture<Void> commit() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    writer.submit(false, () -> {
      writer.writeHeld();
      writer.afterCommit(f, () -> f.complete(null));
    }, f);
    return f;
  }

  private static CrawlNode record(Contact c, long nowMillis) {
    return CrawlNode.discovered(c.id().hex(), c.address().getAddress().getAddress(),
        c.address().getPort(), Bep42.isValid(c.id(), c.address().getAddress()), nowMillis);
  }

  private void write(Runnable task) {
    writer.write(task, 1);
  }

  /** Writes what is queued, commits and closes the database. Blocks up to 60 s. */
  @Override
  public void close() {
    writer.close();
  }

  /**
   * Stops at once without writing what is queued and closes the database without a commit:
   * a SIGKILL, for crash tests.
   */
  void abandon() {
    writer.abandon();
  }
}
