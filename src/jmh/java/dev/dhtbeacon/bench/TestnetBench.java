package dev.dhtbeacon.bench;

import dev.dhtbeacon.lookup.LookupResult;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Testnet harness (a benchmark, not a test): starts an N-node loopback testnet, reports heap
 * per node and time to READY, then runs find_node lookups from random nodes toward random
 * targets and reports queries and sequential rounds per lookup (median, p90) and how many
 * found the true 8 closest nodes.
 *
 * <p>Run (see BENCHMARKS.md):
 * <pre>
 * mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *     -Dmdep.includeScope=test
 * java -Xmx16g -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     dev.dhtbeacon.bench.TestnetBench 5000 200
 * </pre>
 */
public final class TestnetBench {
  private TestnetBench() {
  }

  public static void main(String[] args) {
    int nodes = Integer.parseInt(args[0]);
    int lookups = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    long before = usedHeapAfterGc();
    long start = System.nanoTime();
    try (Testnet net = Testnet.start(Testnet.Options.of(nodes).withSeed(seed))) {
      double readySeconds = (System.nanoTime() - start) / 1e9;
      long after = usedHeapAfterGc();
      System.out.printf("nodes=%d ready_s=%.1f heap_per_node_kib=%.1f%n", nodes, readySeconds,
          (after - before) / 1024.0 / nodes);
      measureLookups(net, lookups, seed);
    }
  }

  private static void measureLookups(Testnet net, int lookups, long seed) {
    Random random = new Random(seed * 31 + 7);
    List<Contact> all = net.contacts();
    List<Integer> queries = new ArrayList<>();
    List<Integer> rounds = new ArrayList<>();
    List<Long> millis = new ArrayList<>();
    int exact = 0;
    for (int i = 0; i < lookups; i++) {
      DhtNode from = net.nodes().get(random.nextInt(all.size()));
      NodeId target = NodeId.random(random);
      LookupResult r = from.findNode(target).join();
      List<NodeId> truth = Testnet.trueClosest(all, target, 9).stream().map(Contact::id)
          .filter(id -> !id.equals(from.id())).limit(8).toList();
      if (r.closestContacts().stream().map(Contact::id).toList().equals(truth)) {
        exact++;
      }
      queries.add(r.queried());
      rounds.add(r.rounds());
      millis.add(r.millis());
    }
    System.out.printf("lookups=%d exact=%d (%.1f%%) queries median=%d p90=%d rounds median=%d "
        + "p90=%d ms median=%d p90=%d%n", lookups, exact, 100.0 * exact / lookups,
        pct(queries, 50), pct(queries, 90), pct(rounds, 50), pct(rounds, 90),
        pct(millis, 50), pct(millis, 90));
  }

  private static <T extends Comparable<T>> T pct(List<T> values, int p) {
    List<T> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
  }

  private static long usedHeapAfterGc() {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return min;
  }
}
