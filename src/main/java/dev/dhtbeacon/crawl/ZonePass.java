package dev.dhtbeacon.crawl;

import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One capture pass over one prefix zone for {@link ZoneSizeEstimator}: a sweep of the zone
 * that starts at a random point inside it and wraps around, asks each node it hears of with
 * probability {@code selection} (a coin tossed once per node and pass, independently of
 * everything else), and captures the nodes that answer with the id they were listed under.
 * Nodes not selected are remembered but never asked, which is what keeps a pass incomplete.
 * Queries are {@code find_node}, which carries no BEP 51 interval.
 */
final class ZonePass implements SweepHooks {
  private final DhtNode node;
  private final double selection;
  private final Random coins;
  private final Set<NodeId> captured = new HashSet<>();
  private SweepRun run;

  private ZonePass(DhtNode node, double selection, Random coins) {
    this.node = node;
    this.selection = selection;
    this.coins = coins;
  }

  /**
   * Runs a pass over the zone of {@code bits}-bit prefix that contains {@code start}, seeded
   * from a lookup toward {@code start} and the node's own table.
   *
   * @param spacing expected distance between neighbouring nodes
   * @return the ids captured, when the pass is over (off the loop)
   */
  static CompletableFuture<Set<NodeId>> run(DhtNode node, NodeId start, int bits,
      double spacing, double selection, CrawlRateLimiter limiter, SweepRun.Limits limits,
      CrawlSettings settings, Random random) {
    ZonePass pass = new ZonePass(node, selection, new Random(random.nextLong()));
    Random targets = new Random(random.nextLong());
    CompletableFuture<List<Contact>> seeds = node.findNode(start)
        .thenApply(r -> r.closestContacts())
        .exceptionally(e -> List.of())
        .thenCombine(node.closestKnown(start, 64), (a, b) -> {
          List<Contact> all = new ArrayList<>(a);
          all.addAll(b);
          return all;
        });
    return seeds.thenCompose(list -> {
      CompletableFuture<SweepRun.End> end = new CompletableFuture<>();
      node.eventLoop().execute(() -> {
        SweepTable table = new SweepTable(Arc.zone(start, bits), spacing, 1_000_000);
        pass.run = new SweepRun(node, table, pass, limiter, limits, settings.nanoTime(),
            settings.clock(), targets, null);
        for (Contact c : list) {
          pass.run.offer(c);
        }
        pass.run.start().whenComplete((e, error) -> {
          if (error != null) {
            end.completeExceptionally(error);
          } else {
            end.complete(e);
          }
        });
      });
      return end;
    }).thenApplyAsync(e -> pass.captured());
  }

  private Set<NodeId> captured() {
    CompletableFuture<Set<NodeId>> copy = new CompletableFuture<>();
    node.eventLoop().execute(() -> copy.complete(new HashSet<>(captured)));
    return copy.join();
  }

  @Override
  public CompletableFuture<List<Admission>> admit(List<SweepTable.Entry> picked) {
    List<Admission> all = new ArrayList<>(picked.size());
    for (int i = 0; i < picked.size(); i++) {
      all.add(Admission.ASK_UNKNOWN);
    }
    return CompletableFuture.completedFuture(all);
  }

  @Override
  public boolean askable(Contact contact) {
    return coins.nextDouble() < selection;
  }

  @Override
  public QueryArgs query(SweepTable.Entry entry, NodeId target) {
    return new QueryArgs.FindNode(target, Want.UNSPECIFIED);
  }

  @Override
  public void discovered(SweepTable.Entry entry) {
  }

  @Override
  public void answered(SweepTable.Entry entry, Response response, long rttMillis) {
    captured.add(entry.contact.id());
  }

  @Override
  public void erred(SweepTable.Entry entry, ErrorReply error, long rttMillis) {
    // An error reply carries no id to check against the listing: not a capture.
  }

  @Override
  public void timedOut(SweepTable.Entry entry) {
  }
}
