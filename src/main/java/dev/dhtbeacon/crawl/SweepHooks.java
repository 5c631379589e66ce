package dev.dhtbeacon.crawl;

import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What distinguishes one kind of sweep from another: the full crawl records everything and
 * claims each node in its database before asking it; a zone pass only counts who answered.
 * Called on the node's event loop; implementations must not block.
 */
interface SweepHooks {
  /** The verdict on one node picked for asking. */
  enum Verdict { ASK, SKIP, DEFER }

  /**
   * @param bep51 what is known about its BEP 51 support (1, 0, -1 unknown)
   * @param notBeforeMillis for {@link Verdict#DEFER}: ask no sooner than this
   */
  record Admission(Verdict verdict, int bep51, long notBeforeMillis) {
    static final Admission ASK_UNKNOWN = new Admission(Verdict.ASK, -1, 0);
  }

  /**
   * Decides whether the picked nodes may be asked; the future may complete on any thread
   * (the sweep hops back to its loop). The full crawl completes it once their claims are
   * durable.
   */
  CompletableFuture<List<Admission>> admit(List<SweepTable.Entry> picked);

  /** Whether a node just heard of should ever be asked in this sweep. */
  boolean askable(Contact contact);

  /** The query to send. */
  QueryArgs query(SweepTable.Entry entry, NodeId target);

  /** A node first heard of in this sweep. */
  void discovered(SweepTable.Entry entry);

  /** A response from the node we expected. */
  void answered(SweepTable.Entry entry, Response response, long rttMillis);

  /** A KRPC error reply (the node is alive). */
  void erred(SweepTable.Entry entry, ErrorReply error, long rttMillis);

  /** No reply in time. */
  void timedOut(SweepTable.Entry entry);
}
