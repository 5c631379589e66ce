package dev.dhtbeacon.registry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.storage.Bep44;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100 keys published by 10 servers, then 30% of the network dies at once (its nodes go silent: still listed
 * in every routing table, answering nothing). The publishers' next cycles must put the items
 * back on the 16 closest nodes that are still alive, counted by asking each of those nodes
 * directly, and a beacon that joins afterwards must still resolve every key.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ChurnTest {
  private static final int NODES = 500;
  private static final int KEYS = 100;
  private static final double DEAD = 0.30;
  private static final int MAX_CYCLES = 3;
  /** Of the true 16 closest live nodes, at least this many must hold each item. */
  private static final int MIN_TRUE_CLOSEST = 14;
  /** Keys probed at once (40 gets each). */
  private static final int PROBE_BATCH = 4;
  /** Publishing servers; each publishes KEYS / SERVERS keys, all at once. */
  private static final int SERVERS = 10;
  private static Testnet net;

  @BeforeAll
  static void startTestnet() {
    // 127.0.89.1 .. 127.0.90.246, port 26300
    net = Testnet.start(Testnet.Options.of(NODES).withBase(Testnet.loopback(127, 0, 89, 1),
        26300));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void publishCyclesRestoreSixteenCopiesAfterThirtyPercentDie() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(KEYS);
    List<DhtBeacon> servers = new ArrayList<>();
    try (StorageProbe probe = StorageProbe.bind(address(2))) {
      for (int b = 0; b < SERVERS; b++) {
        servers.add(beacon(10 + b));
      }
      List<Publisher> publishers = new ArrayList<>();
      List<NodeId> targets = new ArrayList<>();
      List<List<InetSocketAddress>> records = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        KeyPair keys = KeyPair.generate();
        Publisher p = new Publisher(servers.get(i % SERVERS).node(), keys, null, null,
            Clock.systemUTC());
        publishers.add(p);
        targets.add(Bep44.mutableTarget(keys.publicKey().bytes(), null));
        records.add(List.of(new InetSocketAddress(Testnet.loopback(127, 0, 92, i + 1), 7000)));
      }
      List<PublishResult> initial = cycle(pool, publishers, records);
      report("initial publish", initial, count(probe, targets, net.contacts(), initial));
      for (int i = 0; i < 20; i++) { // DIAG
        List<Contact> sorted = Testnet.trueClosest(net.contacts(), targets.get(i), NODES);
        List<Contact> h = probe.holders(targets.get(i), sorted, initial.get(i).seq()).get(20, TimeUnit.SECONDS);
        System.out.println("DIAG key " + i + " copies " + initial.get(i).copies() + " holder ranks " + h.stream().map(sorted::indexOf).sorted().toList());
      }

      List<DhtNode> killed = kill(DEAD);
      List<Contact> live = net.contacts().stream()
          .filter(c -> killed.stream().noneMatch(n -> n.id().equals(c.id()))).toList();
      Tally before = count(probe, targets, live, initial);
      System.out.printf("killed %d of %d nodes; before any new cycle: %s%n", killed.size(),
          NODES, before);

      Tally after = before;
      int cycles = 0;
      while (cycles < MAX_CYCLES && !after.healed()) {
        cycles++;
        List<PublishResult> results = cycle(pool, publishers, records);
        after = count(probe, targets, live, results);
        report("cycle " + cycles, results, after);
      }
      assertTrue(after.healed(), "after " + cycles + " cycles: " + after);

      // A newcomer, on an address nobody has seen, bootstraps from a live node and resolves.
      try (DhtBeacon fresh = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
          .bind(address(3)).bootstrap(List.of(live.get(live.size() / 2).address())).build()
          .start().get(30, TimeUnit.SECONDS)) {
        List<CompletableFuture<ResolveResult>> resolves = new ArrayList<>();
        for (Publisher p : publishers) {
          resolves.add(fresh.resolve(p.current().key()));
        }
        CompletableFuture.allOf(resolves.toArray(CompletableFuture[]::new))
            .get(60, TimeUnit.SECONDS);
        int found = 0;
        for (int i = 0; i < KEYS; i++) {
          ResolveResult r = resolves.get(i).join();
          if (r.found() && r.record().addresses().equals(records.get(i))) {
            found++;
          }
        }
        List<Integer> queried = resolves.stream().map(f -> f.join().nodesQueried()).sorted()
            .toList();
        System.out.printf("fresh beacon after churn: %d/%d resolved, queries median %d max %d%n",
            found, KEYS, queried.get(KEYS / 2), queried.get(KEYS - 1));
        assertTrue(found >= KEYS - 1, "resolved only " + found + "/" + KEYS);
      }
    } finally {
      pool.shutdownNow();
      servers.forEach(DhtBeacon::close);
    }
  }

  /** One publish per key, all at once (as 100 servers would), each through its publisher. */
  private static List<PublishResult> cycle(ExecutorService pool, List<Publisher> publishers,
      List<List<InetSocketAddress>> records) throws Exception {
    List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
    for (int i = 0; i < publishers.size(); i++) {
      Publisher p = publishers.get(i);
      List<InetSocketAddress> record = records.get(i);
      futures.add(CompletableFuture.supplyAsync(() -> p.publish(record), pool));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return futures.stream().map(CompletableFuture::join).toList();
  }

  private static List<DhtNode> kill(double fraction) {
    // Never the first node: the testnet's entry point.
    List<DhtNode> candidates = new ArrayList<>(net.nodes().subList(1, NODES));
    Collections.shuffle(candidates, new Random(42));
    List<DhtNode> killed = candidates.subList(0, (int) Math.round(fraction * NODES));
    killed.forEach(n -> n.silent(true));
    return List.copyOf(killed);
  }

  /**
   * Per key: how many of the true 16 closest nodes among {@code alive} hold the current item,
   * and how many of the true 40 closest do (every copy a publish can have made lies among
   * them: puts only go to the closest nodes a lookup found).
   */
  private static Tally count(StorageProbe probe, List<NodeId> targets, List<Contact> alive,
      List<PublishResult> published) throws Exception {
    List<int[]> perKey = new ArrayList<>();
    // A few keys at a time: thousands of replies at once would overflow the probe's socket
    // buffer, and a dropped reply would read as a missing copy.
    for (int from = 0; from < targets.size(); from += PROBE_BATCH) {
      List<CompletableFuture<int[]>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(targets.size(), from + PROBE_BATCH); i++) {
        NodeId target = targets.get(i);
        List<Contact> closest40 = Testnet.trueClosest(alive, target, 40);
        List<Contact> closest16 = closest40.subList(0, 16);
        batch.add(probe.holders(target, closest40, published.get(i).seq())
            .thenApply(h -> new int[] {(int) h.stream().filter(closest16::contains).count(),
                h.size()}));
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      batch.forEach(f -> perKey.add(f.join()));
    }
    List<Integer> top16 = perKey.stream().map(a -> a[0]).sorted().toList();
    List<Integer> all = perKey.stream().map(a -> a[1]).sorted().toList();
    return new Tally(top16, all);
  }

  /** Holders per key, sorted ascending. */
  private record Tally(List<Integer> top16, List<Integer> anywhere) {
    boolean healed() {
      return top16.get(0) >= MIN_TRUE_CLOSEST && anywhere.get(0) >= Publisher.REPLICAS;
    }

    @Override
    public String toString() {
      return String.format("of the true 16 closest live: median %d min %d (%d keys with all 16);"
          + " holders among the 40 closest live: median %d min %d (%d keys with >= 16)",
          top16.get(top16.size() / 2), top16.get(0), top16.stream().filter(n -> n >= 16).count(),
          anywhere.get(anywhere.size() / 2), anywhere.get(0),
          anywhere.stream().filter(n -> n >= 16).count());
    }
  }

  private static void report(String what, List<PublishResult> results, Tally tally) {
    List<Integer> copies = results.stream().map(PublishResult::copies).sorted().toList();
    long lookups = results.stream().filter(PublishResult::lookup).count();
    int timeouts = results.stream().mapToInt(PublishResult::timeouts).sum();
    long slowest = results.stream().mapToLong(PublishResult::millis).max().orElse(0);
    System.out.printf("%s: copies median %d min %d, %d fresh lookups, %d put timeouts, slowest "
        + "%d ms; stored %s%n", what, copies.get(copies.size() / 2), copies.get(0), lookups,
        timeouts, slowest, tally);
  }

  private static DhtBeacon beacon(int host) throws Exception {
    return DhtBeacon.builder().network(NetworkMode.LOOPBACK).bind(address(host))
        .bootstrap(List.of(net.entryPoint())).build().start().get(30, TimeUnit.SECONDS);
  }

  private static InetSocketAddress address(int host) {
    return new InetSocketAddress(Testnet.loopback(127, 0, 91, host), 26300 + host);
  }
}
