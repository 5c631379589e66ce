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
  /*
   * Thresholds, per key unless noted. Lookups with k = 16 reach about 96% of the true 16
   * closest on a healthy network (replies carry 8 nodes, so the 9th to 16th are found only
   * through responders that do not know the closer ones) and about 90% right after churn,
   * when replies still list dead nodes. Resolvers ask the closest 8, which must be covered.
   */
  /** Of the true 8 closest live nodes (what resolvers ask), at least this many... */
  private static final int MIN_TRUE_8 = 5;
  /** ...and at least this share of all keys' true-8 slots. */
  private static final double MIN_TRUE_8_SHARE = 0.95;
  /** Of the true 16 closest live nodes, at least this many... */
  private static final int MIN_TRUE_16 = 8;
  /** ...and at least this share of all keys' true-16 slots. */
  private static final double MIN_TRUE_16_SHARE = 0.85;
  /** How many of the closest live nodes the probe asks per key. */
  private static final int PROBE_DEPTH = 80;
  /** Keys probed at once. */
  private static final int PROBE_BATCH = 2;
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
      // The publishing servers are DHT nodes too, and may be among the closest to a key.
      List<Contact> everyone = new ArrayList<>(net.contacts());
      servers.forEach(s -> everyone.add(new Contact(s.node().id(), s.node().address())));
      List<PublishResult> initial = cycle(pool, publishers, records);
      report("initial publish", initial, count(probe, targets, everyone, initial));

      List<DhtNode> killed = kill(DEAD);
      List<Contact> live = everyone.stream()
          .filter(c -> killed.stream().noneMatch(n -> n.id().equals(c.id()))).toList();
      Tally before = count(probe, targets, live, initial);
      System.out.printf("killed %d of %d nodes; before any new cycle:%n  %s%n", killed.size(),
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
      System.out.printf("healed after %d publish cycles%n", cycles);

      // A newcomer, on an address nobody has seen, bootstraps from a live node and resolves.
      try (DhtBeacon fresh = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
          .bind(address(3)).bootstrap(List.of(net.entryPoint())).build()
          .start().get(30, TimeUnit.SECONDS)) {
        List<CompletableFuture<ResolveResult>> resolves = new ArrayList<>();
        for (Publisher p : publishers) {
          resolves.add(fresh.resolve(p.current().key()));
        }
        CompletableFuture.allOf(resolves.toArray(CompletableFuture[]::new))
            .get(60, TimeUnit.SECONDS);
        int found = 0;
        List<String> misses = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
          ResolveResult r = resolves.get(i).join();
          if (r.found() && r.record().addresses().equals(records.get(i))) {
            found++;
          } else {
            misses.add("key " + i + ": found=" + r.found() + " " + r.addresses() + " after "
                + r.nodesQueried() + " queries, " + r.millis() + " ms");
          }
        }
        List<Integer> queried = resolves.stream().map(f -> f.join().nodesQueried()).sorted()
            .toList();
        System.out.printf("fresh beacon after churn: %d/%d resolved, queries median %d max %d; "
            + "misses %s; %s%n", found, KEYS, queried.get(KEYS / 2), queried.get(KEYS - 1),
            misses, fresh.node().status().get(5, TimeUnit.SECONDS).line());
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
   * Per key: how many of the true 8, 16 and 20 closest nodes among {@code alive} hold the
   * current item, and how many live nodes do: the true {@link #PROBE_DEPTH} closest and the
   * nodes the last publish stored at are asked. (A lookup right after churn can end on a few
   * nodes further out than that depth; their copies count as copies, and the top-8 and top-16
   * figures say whether resolvers will find them.)
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
        List<Contact> closest = Testnet.trueClosest(alive, target, PROBE_DEPTH);
        List<Contact> asked = new ArrayList<>(closest);
        published.get(i).storedAt().stream()
            .filter(c -> alive.contains(c) && !asked.contains(c)).forEach(asked::add);
        batch.add(probe.holders(target, asked, published.get(i).seq())
            .thenApply(h -> new int[] {within(h, closest, 8), within(h, closest, 16),
                within(h, closest, 20), h.size()}));
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      batch.forEach(f -> perKey.add(f.join()));
    }
    return new Tally(column(perKey, 0), column(perKey, 1), column(perKey, 2),
        column(perKey, 3));
  }

  private static int within(List<Contact> holders, List<Contact> closest, int n) {
    List<Contact> first = closest.subList(0, n);
    return (int) holders.stream().filter(first::contains).count();
  }

  private static List<Integer> column(List<int[]> rows, int i) {
    return rows.stream().map(r -> r[i]).sorted().toList();
  }

  /** Holders per key, each list sorted ascending. */
  private record Tally(List<Integer> top8, List<Integer> top16, List<Integer> top20,
      List<Integer> anywhere) {
    boolean healed() {
      return anywhere.get(0) >= Publisher.REPLICAS
          && top8.get(0) >= MIN_TRUE_8 && sum(top8) >= MIN_TRUE_8_SHARE * 8 * top8.size()
          && top16.get(0) >= MIN_TRUE_16 && sum(top16) >= MIN_TRUE_16_SHARE * 16 * top16.size();
    }

    private static int sum(List<Integer> xs) {
      return xs.stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public String toString() {
      return String.format("holders of the true 8 closest live: median %d min %d, %.1f%% of "
          + "slots; of 16: median %d min %d, %d keys all 16, %.1f%% of slots; of 20: median %d "
          + "min %d; live holders: median %d min %d, %d keys >= 16", med(top8), top8.get(0),
          100.0 * sum(top8) / (8 * top8.size()), med(top16),
          top16.get(0), top16.stream().filter(n -> n >= 16).count(),
          100.0 * sum(top16) / (16 * top16.size()), med(top20), top20.get(0), med(anywhere),
          anywhere.get(0), anywhere.stream().filter(n -> n >= 16).count());
    }

    private static int med(List<Integer> xs) {
      return xs.get(xs.size() / 2);
    }
  }

  private static void report(String what, List<PublishResult> results, Tally tally) {
    List<Integer> copies = results.stream().map(PublishResult::copies).sorted().toList();
    long lookups = results.stream().filter(PublishResult::lookup).count();
    int timeouts = results.stream().mapToInt(PublishResult::timeouts).sum();
    long slowest = results.stream().mapToLong(PublishResult::millis).max().orElse(0);
    int attemptedMin = results.stream().mapToInt(PublishResult::attempted).min().orElse(0);
    java.util.Map<Integer, Integer> errors = new java.util.TreeMap<>();
    results.forEach(r -> r.errors().forEach((code, n) -> errors.merge(code, n, Integer::sum)));
    System.out.printf("%s: copies median %d min %d (fewest puts %d), %d fresh lookups, %d put "
        + "timeouts, errors %s, slowest %d ms;%n  %s%n", what, copies.get(copies.size() / 2),
        copies.get(0), attemptedMin, lookups, timeouts, errors, slowest, tally);
  }

  private static DhtBeacon beacon(int host) throws Exception {
    return DhtBeacon.builder().network(NetworkMode.LOOPBACK).bind(address(host))
        .bootstrap(List.of(net.entryPoint())).build().start().get(30, TimeUnit.SECONDS);
  }

  private static InetSocketAddress address(int host) {
    return new InetSocketAddress(Testnet.loopback(127, 0, 91, host), 26300 + host);
  }
}
