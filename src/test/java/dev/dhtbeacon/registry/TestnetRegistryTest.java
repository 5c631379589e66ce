package dev.dhtbeacon.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry at scale: 100 keys published from 100 different nodes of a 1 000-node loopback
 * testnet, then all resolved by a beacon that joins only afterwards, on an address the network
 * has never seen.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class TestnetRegistryTest {
  private static final int NODES = 1000;
  private static final int KEYS = 100;
  private static Testnet net;

  @BeforeAll
  static void startTestnet() {
    long t0 = System.nanoTime();
    // 127.0.80.1 .. 127.0.83.238, port 26000
    net = Testnet.start(Testnet.Options.of(NODES).withBase(Testnet.loopback(127, 0, 80, 1),
        26000));
    System.out.printf("testnet of %d nodes converged in %d ms%n", NODES,
        (System.nanoTime() - t0) / 1_000_000);
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void hundredKeysFromHundredNodesResolveFromAFreshBeacon() throws Exception {
    List<DhtNode> nodes = net.nodes();
    List<KeyPair> keys = new ArrayList<>();
    List<InetSocketAddress> published = new ArrayList<>();
    List<CompletableFuture<PublishResult>> publishes = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    long t0 = System.nanoTime();
    try {
      for (int i = 0; i < KEYS; i++) {
        KeyPair k = KeyPair.generate();
        // Data only: nothing ever connects to the published endpoints.
        InetSocketAddress addr = new InetSocketAddress(Testnet.loopback(127, 0, 95, i + 1),
            27000 + i);
        // Node 10·i publishes key i, each through its own node's lookups and tokens.
        Publisher publisher = new Publisher(nodes.get(i * (NODES / KEYS)), k, null, null,
            Clock.systemUTC());
        keys.add(k);
        published.add(addr);
        publishes.add(CompletableFuture.supplyAsync(() -> publisher.publish(List.of(addr)),
            pool));
      }
      CompletableFuture.allOf(publishes.toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    long publishMillis = (System.nanoTime() - t0) / 1_000_000;
    List<Integer> copies = publishes.stream().map(f -> f.join().copies()).sorted().toList();
    List<Integer> publishQueries = publishes.stream().map(f -> f.join().queries()).sorted()
        .toList();
    List<Integer> publishEach = publishes.stream().map(f -> (int) f.join().millis()).sorted()
        .toList();
    System.out.printf("%d publishes from %d nodes in %d ms (16 at a time): copies median %d "
        + "min %d, queries median %d, ms each median %d max %d%n", KEYS, KEYS, publishMillis,
        median(copies), copies.get(0), median(publishQueries), median(publishEach),
        publishEach.get(KEYS - 1));
    assertTrue(copies.get(0) >= Publisher.MIN_COPIES, "fewest copies " + copies.get(0));
    assertEquals(Publisher.REPLICAS, median(copies), "median copies " + copies);

    // Joins only now, from an address no testnet node has heard of.
    long t1 = System.nanoTime();
    try (DhtBeacon fresh = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
        .bind(new InetSocketAddress(Testnet.loopback(127, 0, 84, 1), 26001))
        .bootstrap(List.of(nodes.get(NODES / 2).address())).build().start()
        .get(30, TimeUnit.SECONDS)) {
      List<CompletableFuture<ResolveResult>> resolves = new ArrayList<>();
      for (KeyPair k : keys) {
        resolves.add(fresh.resolve(k.publicKey()));
      }
      CompletableFuture.allOf(resolves.toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);
      long resolveMillis = (System.nanoTime() - t1) / 1_000_000;
      int found = 0;
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        ResolveResult r = resolves.get(i).join();
        if (r.found() && r.record().addresses().equals(List.of(published.get(i)))
            && r.seq() == publishes.get(i).join().seq()) {
          found++;
        } else {
          wrong.add(i + ": found=" + r.found() + " " + r.addresses() + " seq " + r.seq()
              + ", " + r.nodesQueried() + " queried in " + r.millis() + " ms, published to "
              + publishes.get(i).join().copies());
        }
      }
      List<Integer> queried = resolves.stream().map(f -> f.join().nodesQueried()).sorted()
          .toList();
      List<Long> millis = resolves.stream().map(f -> f.join().millis()).sorted().toList();
      System.out.printf("fresh beacon resolved %d/%d in %d ms (incl. bootstrap): queries per "
          + "resolve median %d max %d, ms median %d max %d%n", found, KEYS, resolveMillis,
          median(queried), queried.get(KEYS - 1), millis.get(KEYS / 2), millis.get(KEYS - 1));
      assertEquals(KEYS, found, "resolved correctly " + found + "/" + KEYS + "; wrong: " + wrong);
    }
  }

  private static int median(List<Integer> sorted) {
    return sorted.get(sorted.size() / 2);
  }
}
