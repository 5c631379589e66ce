package dev.dhtbeacon.bench;

import dev.dhtbeacon.krpc.LatencyModel;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.registry.DhtBeacon;
import dev.dhtbeacon.registry.KeyPair;
import dev.dhtbeacon.registry.PublishResult;
import dev.dhtbeacon.registry.Publisher;
import dev.dhtbeacon.registry.ResolveResult;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.storage.Bep44;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Resolve under Internet-like latency (a benchmark, not a test): an N-node loopback testnet in
 * which every datagram a node sends is delayed by a log-normal round trip (median
 * {@code rttMillis}, sigma 0.6; see {@link LatencyModel#logNormal}); K keys published from
 * random testnet nodes; then a fresh node, started after the publishes, resolves each key with
 * no cache. Reports latency median/p90/p99, queries per resolve and success rate, and the
 * publish figures: copies, and messages per publish cycle with fresh lookups versus reused
 * tokens.
 *
 * <pre>
 * java -Xmx16g -cp "$CP" dev.dhtbeacon.bench.ResolveBench 1000 100 120 SEED
 * </pre>
 */
public final class ResolveBench {
  private ResolveBench() {
  }

  public static void main(String[] args) {
    int nodes = Integer.parseInt(args[0]);
    int keys = Integer.parseInt(args[1]);
    double rtt = Double.parseDouble(args[2]);
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
    long t0 = System.nanoTime();
    try (Testnet net = Testnet.start(Testnet.Options.of(nodes).withSeed(seed)
        .withLatency(rtt))) {
      System.out.printf("nodes=%d rtt_median_ms=%.0f ready_s=%.1f%n", nodes, rtt,
          (System.nanoTime() - t0) / 1e9);
      Random random = new Random(seed);
      List<KeyPair> published = new ArrayList<>();
      List<Integer> copies = new ArrayList<>();
      List<Integer> amongTrue16 = new ArrayList<>();
      List<Integer> freshMessages = new ArrayList<>();
      List<Integer> reuseMessages = new ArrayList<>();
      for (int i = 0; i < keys; i++) {
        DhtNode from = net.nodes().get(random.nextInt(nodes));
        KeyPair k = KeyPair.generate();
        Publisher p = new Publisher(from, k, null, null, Clock.systemUTC());
        List<InetSocketAddress> addr = List.of(Endpoints.parse("127.0.0.9:" + (1000 + i)));
        PublishResult first = p.publish(addr);
        PublishResult second = p.publish(addr);
        copies.add(first.copies());
        NodeId target = Bep44.mutableTarget(k.publicKey().bytes(), null);
        List<NodeId> truth = Testnet.trueClosest(net.contacts(), target, 16).stream()
            .map(Contact::id).toList();
        amongTrue16.add((int) first.storedAt().stream().filter(c -> truth.contains(c.id()))
            .count());
        freshMessages.add(first.queries());
        reuseMessages.add(second.queries());
        published.add(k);
      }
      System.out.printf("publish copies median=%d min=%d, of them among the true 16 closest "
          + "median=%d min=%d; messages per cycle: fresh lookup median=%d, reused tokens "
          + "median=%d%n", pct(copies, 50), pct(copies, 0), pct(amongTrue16, 50),
          pct(amongTrue16, 0), pct(freshMessages, 50), pct(reuseMessages, 50));
      resolveAll(net, published, rtt, seed);
    }
  }

  private static void resolveAll(Testnet net, List<KeyPair> keys, double rtt, long seed) {
    DhtBeacon.Builder b = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
        .bind(Endpoints.parse("127.0.250.1:6881")).bootstrap(List.of(net.entryPoint()))
        .cacheTtl(Duration.ZERO);
    try (DhtBeacon resolver = b.build().start().join()) {
      List<Long> millis = new ArrayList<>();
      List<Integer> queries = new ArrayList<>();
      int found = 0;
      for (KeyPair k : keys) {
        ResolveResult r = resolver.resolve(k.publicKey()).join();
        found += r.found() ? 1 : 0;
        millis.add(r.millis());
        queries.add(r.nodesQueried());
      }
      System.out.printf("resolve n=%d success=%.1f%% ms median=%d p90=%d p99=%d queries "
          + "median=%d p90=%d%n", keys.size(), 100.0 * found / keys.size(), pct(millis, 50),
          pct(millis, 90), pct(millis, 99), pct(queries, 50), pct(queries, 90));
    }
  }

  static <T extends Comparable<T>> T pct(List<T> values, int p) {
    List<T> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
  }
}
