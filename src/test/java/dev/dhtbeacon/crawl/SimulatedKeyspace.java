package dev.dhtbeacon.crawl;

import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A DHT without sockets: N uniform node ids, each with a converged Kademlia table (up to 8
 * nodes per bucket of shared-prefix length, chosen at random), answering find_node with the 8
 * closest entries of its table; a fraction is dead. Drives a {@link SweepTable} one query at a
 * time, to study the sweep's order and targets quickly and deterministically.
 */
final class SimulatedKeyspace {
  final List<Contact> nodes = new ArrayList<>();
  final Set<NodeId> dead = new HashSet<>();
  private final Map<NodeId, List<Contact>> tables = new HashMap<>();

  SimulatedKeyspace(int n, double deadFraction, long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      nodes.add(new Contact(NodeId.random(random),
          new InetSocketAddress(Testnet.loopback(127, 0, 130 + i / 250, 1 + i % 250), 28000)));
    }
    for (Contact c : nodes) {
      if (random.nextDouble() < deadFraction) {
        dead.add(c.id());
      }
    }
    for (Contact self : nodes) {
      Map<Integer, List<Contact>> buckets = new HashMap<>();
      for (Contact other : nodes) {
        if (other != self) {
          buckets.computeIfAbsent(self.id().commonPrefixLength(other.id()),
              k -> new ArrayList<>()).add(other);
        }
      }
      List<Contact> table = new ArrayList<>();
      for (List<Contact> b : buckets.values()) {
        java.util.Collections.shuffle(b, random);
        table.addAll(b.subList(0, Math.min(8, b.size())));
      }
      tables.put(self.id(), table);
    }
  }

  /** The 8 entries of {@code node}'s table closest to {@code target}. */
  List<Contact> answer(NodeId node, NodeId target) {
    List<Contact> t = new ArrayList<>(tables.get(node));
    t.sort((a, b) -> target.compareDistance(a.id(), b.id()));
    return t.subList(0, Math.min(8, t.size()));
  }

  /** What a sequential sweep did. */
  record Outcome(Set<NodeId> asked, int queries, long probes) {
  }

  /**
   * Sweeps {@code arc} one query at a time from {@code seeds}, asking only nodes for which
   * {@code askable} says yes.
   */
  Outcome sweep(Arc arc, List<Contact> seeds, double spacingGuess,
      java.util.function.Predicate<Contact> askable, Random random) {
    return sweep(arc, seeds, spacingGuess, askable, random, null, 1);
  }

  /**
   * As above; when the table runs dry, up to two rounds look up the widest gaps' middles in
   * {@code self}'s table, as the crawler does with its node's routing table. Queries go out in
   * batches of {@code batch} whose targets are all chosen before any of their answers is in,
   * as when that many are in flight at once.
   */
  Outcome sweep(Arc arc, List<Contact> seeds, double spacingGuess,
      java.util.function.Predicate<Contact> askable, Random random, NodeId self, int batch) {
    SweepTable table = new SweepTable(arc, spacingGuess, 1_000_000);
    SweepTargets aims = new SweepTargets(table);
    for (Contact c : seeds) {
      add(table, aims, c, askable);
    }
    Set<NodeId> asked = new HashSet<>();
    int queries = 0;
    int rounds = 0;
    while (true) {
      SweepTable.Entry e = table.nextPending(0, 0, x -> true, Integer.MAX_VALUE, aims);
      if (e == null) {
        if (self == null || rounds++ >= SweepRun.PROBE_ROUNDS) {
          break;
        }
        boolean added = false;
        for (NodeId middle : table.widestGaps(SweepRun.PROBE_GAPS, 4)) {
          for (Contact c : answer(self, middle)) {
            added |= add(table, aims, c, askable);
          }
        }
        if (!added) {
          break;
        }
        continue;
      }
      List<SweepTable.Entry> taken = new ArrayList<>();
      taken.add(e);
      table.take(e);
      while (taken.size() < batch) {
        SweepTable.Entry x = table.nextPending(0, 0, y -> true, Integer.MAX_VALUE, aims);
        if (x == null) {
          break;
        }
        table.take(x);
        taken.add(x);
      }
      List<NodeId> batchTargets = new ArrayList<>();
      for (SweepTable.Entry x : taken) {
        batchTargets.add(aims.targetFor(x, random));
      }
      for (int b = 0; b < taken.size(); b++) {
        SweepTable.Entry x = taken.get(b);
        NodeId target = batchTargets.get(b);
        queries++;
        if (!asked.add(x.contact.id())) {
          throw new AssertionError("asked twice: " + x.contact);
        }
        if (dead.contains(x.contact.id())) {
          x.status = SweepTable.Status.FAILED;
          aims.coverage().release(x);
          continue;
        }
        x.status = SweepTable.Status.ANSWERED;
        List<Contact> named = answer(x.contact.id(), target);
        for (Contact c : named) {
          add(table, aims, c, askable);
        }
        aims.coverage().answered(x, named, table.spacing());
      }
    }
    return new Outcome(asked, queries, aims.probes());
  }

  /** Adds a node heard of as {@link SweepRun#offer} does; returns whether it was new. */
  private static boolean add(SweepTable table, SweepTargets aims, Contact c,
      java.util.function.Predicate<Contact> askable) {
    SweepTable.Entry e = table.add(c, askable.test(c));
    if (e != null) {
      aims.coverage().discovered(e, table.spacing());
    }
    return e != null;
  }
}
