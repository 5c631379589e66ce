package dev.dhtbeacon.node;

import dev.dhtbeacon.krpc.EventLoops;
import dev.dhtbeacon.krpc.KrpcTransport;
import dev.dhtbeacon.krpc.LatencyModel;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.lookup.LookupMethod;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many full DHT nodes in one JVM, each on its own loopback address (127.0.x.y: Linux routes all
 * of 127/8 to {@code lo}, so per-IP rules behave as on the real network), sharing one event-loop
 * group. Always in loopback mode.
 *
 * <p>{@link #start} returns once the routing tables have converged: every sampled node knows
 * its true closest neighbours, checked against the full node list.
 */
public final class Testnet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Testnet.class);
  private static final int BATCH = 64;
  private static final int MAX_CONVERGENCE_ROUNDS = 4;

  /**
   * @param nodes how many nodes
   * @param base the first node's address; the others follow, skipping .0 and .255
   * @param infohashes random infohashes seeded into each node's peer store
   * @param deadFraction nodes that go silent once the tables have converged
   * @param noBep51Fraction nodes that treat sample_infohashes as an unknown method
   * @param threads event loops shared by all nodes
   * @param medianRttMillis 0 for plain loopback, else every datagram a testnet node sends is
   *     delayed by an Internet-like round trip ({@link LatencyModel#logNormal}, sigma 0.6), so
   *     an outside querier sees RTTs with this median
   * @param refreshBuckets whether every node refreshes each of its buckets once the tables have
   *     converged, before any node goes dead (see {@link #withBucketRefresh})
   */
  public record Options(int nodes, InetAddress base, int port, int infohashes,
      double deadFraction, double noBep51Fraction, int threads, long seed,
      double medianRttMillis, boolean refreshBuckets) {
    public Options {
      if (nodes < 1 || port < 1 || port > 65535 || threads < 1
          || deadFraction < 0 || deadFraction >= 1 || noBep51Fraction < 0
          || noBep51Fraction > 1 || infohashes < 0 || medianRttMillis < 0) {
        throw new IllegalArgumentException("bad testnet options: " + nodes + " nodes, port "
            + port + ", " + threads + " threads, dead " + deadFraction + ", no-bep51 "
            + noBep51Fraction + ", infohashes " + infohashes);
      }
      if (!base.isLoopbackAddress()) {
        throw new IllegalArgumentException("testnet base address must be in 127.0.0.0/8: "
            + base.getHostAddress());
      }
    }

    public static Options of(int nodes) {
      return new Options(nodes, loopback(127, 0, 1, 1), DhtNodeBuilder.DEFAULT_PORT, 0, 0, 0,
          Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 0, false);
    }

    public Options withBase(InetAddress base, int port) {
      return new Options(nodes, base, port, infohashes, deadFraction, noBep51Fraction, threads,
          seed, medianRttMillis, refreshBuckets);
    }

    public Options withCrawlTruth(int infohashes, double dead, double noBep51) {
      return new Options(nodes, base, port, infohashes, dead, noBep51, threads, seed,
          medianRttMillis, refreshBuckets);
    }

    public Options withThreads(int threads) {
      return new Options(nodes, base, port, infohashes, deadFraction, noBep51Fraction, threads,
          seed, medianRttMillis, refreshBuckets);
    }

    public Options withSeed(long seed) {
      return new Options(nodes, base, port, infohashes, deadFraction, noBep51Fraction, threads,
          seed, medianRttMillis, refreshBuckets);
    }

    /**
     * Tables as a network that has run for a while has them, not as the joins left them: once
     * the tables have converged, every node looks up a random id in each of its buckets' ranges,
     * as BEP 5 has a node do for each bucket idle for 15 minutes. Converged by self-lookups
     * alone, 2 000 nodes hold a median of 23 entries each; refreshed, about 70, and a bucket for
     * each sibling subtree down to their own neighbourhood holds what it can. Costs 10 lookups
     * per node at 2 000 nodes (7–18 s on 2 cores).
     */
    public Options withBucketRefresh() {
      return new Options(nodes, base, port, infohashes, deadFraction, noBep51Fraction, threads,
          seed, medianRttMillis, true);
    }

    /** Delays every datagram as on the Internet: RTT median {@code millis}, log-normal. */
    public Options withLatency(double medianRttMillis) {
      return new Options(nodes, base, port, infohashes, deadFraction, noBep51Fraction, threads,
          seed, medianRttMillis, refreshBuckets);
    }
  }

  private final Options options;
  private final EventLoopGroup group;
  private final ExecutorService callbacks;
  private final List<DhtNode> nodes = new ArrayList<>();
  private final List<DhtNode> dead = new ArrayList<>();

  private Testnet(Options options) {
    this.options = options;
    this.group = EventLoops.newGroup(options.threads());
    this.callbacks = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "testnet-callbacks");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the nodes and waits until the routing tables have converged. */
  public static Testnet start(Options options) {
    Testnet net = new Testnet(options);
    try {
      net.launch();
      net.converge();
      if (options.refreshBuckets()) {
        net.refreshBuckets();
      }
      net.kill();
      return net;
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  private void launch() {
    Random random = new Random(options.seed());
    List<InetAddress> addresses = addresses(options.base(), options.nodes());
    int noBep51 = (int) Math.round(options.noBep51Fraction() * options.nodes());
    // The first node starts alone so that every later batch has someone to bootstrap from.
    for (int from = 0; from < addresses.size(); from = nodes.size()) {
      List<CompletableFuture<DhtNode>> batch = new ArrayList<>();
      int known = nodes.size();
      int to = from == 0 ? 1 : Math.min(addresses.size(), from + BATCH);
      for (int i = from; i < to; i++) {
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (int s = 0; s < Math.min(3, known); s++) {
          seeds.add(nodes.get(s == 0 ? 0 : random.nextInt(known)).address());
        }
        DhtNode node = DhtNode.builder()
            .network(NetworkMode.LOOPBACK)
            .bind(new InetSocketAddress(addresses.get(i), options.port()))
            .nodeId(NodeId.random(random))
            .bootstrap(seeds)
            .transport(transportSettings(i))
            .answersSampleInfohashes(i >= noBep51)
            .eventLoopGroup(group)
            .callbackExecutor(callbacks)
            .build();
        batch.add(node.start());
      }
      for (CompletableFuture<DhtNode> f : batch) {
        DhtNode node = f.join();
        nodes.add(node);
        seedInfohashes(node, random);
      }
    }
  }

  private KrpcTransport.Settings transportSettings(int index) {
    KrpcTransport.Settings s = new KrpcTransport.Settings(NetworkMode.LOOPBACK, 1_000, 2_000,
        8_192, KrpcTransport.Settings.VERSION);
    return options.medianRttMillis() == 0 ? s
        : s.withLatency(LatencyModel.logNormal(options.medianRttMillis(), 0.6,
            options.seed() * 1_000_003 + index));
  }

  private void seedInfohashes(DhtNode node, Random random) {
    List<NodeId> hashes = new ArrayList<>();
    for (int i = 0; i < options.infohashes(); i++) {
      hashes.add(NodeId.random(random));
    }
    if (!hashes.isEmpty()) {
      node.transport().eventLoop().submit(() -> {
        for (NodeId h : hashes) {
          node.peers().announce(h, node.address());
        }
      }).syncUninterruptibly();
    }
  }

  /**
   * Repeats rounds of self-lookups (each node asking for its own id, which teaches its
   * neighbours about it) until lookups from random nodes toward random targets find the true 8
   * closest nodes in at least 98% of a sample, or {@link #MAX_CONVERGENCE_ROUNDS} rounds ran.
   */
  private void converge() {
    for (int round = 1; round <= MAX_CONVERGENCE_ROUNDS; round++) {
      double fraction = lookupAccuracy(50, options.seed() + round);
      LOG.info("testnet: {} nodes, round {}: {}% of sample lookups exact", nodes.size(), round,
          Math.round(fraction * 100));
      if (fraction >= 0.98) {
        return;
      }
      for (int from = 0; from < nodes.size(); from += BATCH * 4) {
        List<CompletableFuture<?>> batch = new ArrayList<>();
        for (DhtNode n : nodes.subList(from, Math.min(nodes.size(), from + BATCH * 4))) {
          batch.add(n.lookup(n.id(), new LookupMethod.FindNode()));
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
      }
    }
  }

  /**
   * Every node looks up a random id in each sibling subtree of its own id, from the keyspace's
   * other half down to one level below the depth where about 8 nodes share its prefix: the
   * ranges of the buckets a split-on-demand table holds.
   */
  private void refreshBuckets() {
    long started = System.nanoTime();
    Random random = new Random(options.seed() ^ 0x5eedL);
    int depths = 2 + (int) Math.ceil(Math.log(Math.max(2, nodes.size() / 8.0)) / Math.log(2));
    for (int from = 0; from < nodes.size(); from += BATCH) {
      List<CompletableFuture<?>> batch = new ArrayList<>();
      for (DhtNode n : nodes.subList(from, Math.min(nodes.size(), from + BATCH))) {
        for (int depth = 0; depth < depths; depth++) {
          batch.add(n.lookup(NodeId.randomSharingPrefix(n.id(), depth, false, random),
              new LookupMethod.FindNode()));
        }
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
    }
    LOG.info("testnet: {} nodes refreshed {} buckets each in {} ms", nodes.size(), depths,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /**
   * The fraction of {@code sample} find_node lookups, from random nodes toward random targets,
   * that return exactly the true 8 closest nodes (the oracle is the full node list).
   */
  public double lookupAccuracy(int sample, long seed) {
    Random random = new Random(seed);
    List<Contact> all = contacts();
    List<CompletableFuture<Boolean>> checks = new ArrayList<>();
    for (int i = 0; i < sample; i++) {
      DhtNode from = nodes.get(random.nextInt(nodes.size()));
      NodeId target = NodeId.random(random);
      List<NodeId> truth = trueClosest(all, target, 9).stream().map(Contact::id)
          .filter(id -> !id.equals(from.id())).limit(8).toList();
      checks.add(from.findNode(target).thenApply(r -> r.closestContacts().stream()
          .map(Contact::id).toList().equals(truth)));
    }
    long exact = checks.stream().filter(CompletableFuture::join).count();
    return sample == 0 ? 1 : (double) exact / sample;
  }

  private void kill() {
    int count = (int) Math.round(options.deadFraction() * nodes.size());
    List<DhtNode> shuffled = new ArrayList<>(nodes.subList(1, nodes.size()));
    Collections.shuffle(shuffled, new Random(options.seed() + 13));
    for (DhtNode n : shuffled.subList(0, Math.min(count, shuffled.size()))) {
      n.silent(true);
      dead.add(n);
    }
  }

  /** The {@code n} contacts closest to {@code target} among {@code all}: the oracle. */
  public static List<Contact> trueClosest(List<Contact> all, NodeId target, int n) {
    List<Contact> sorted = new ArrayList<>(all);
    sorted.sort((a, b) -> target.compareDistance(a.id(), b.id()));
    return sorted.subList(0, Math.min(n, sorted.size()));
  }

  /** Every node, dead ones included. */
  public List<DhtNode> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  /** Nodes that still answer. */
  public List<DhtNode> liveNodes() {
    return nodes.stream().filter(n -> !dead.contains(n)).toList();
  }

  public List<Contact> contacts() {
    return nodes.stream().map(n -> new Contact(n.id(), n.address())).toList();
  }

  public List<Contact> liveContacts() {
    return liveNodes().stream().map(n -> new Contact(n.id(), n.address())).toList();
  }

  /** The first node: what others bootstrap from. */
  public InetSocketAddress entryPoint() {
    return nodes.get(0).address();
  }

  public EventLoopGroup group() {
    return group;
  }

  @Override
  public void close() {
    for (DhtNode n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        LOG.debug("closing {}: {}", n.id(), e.toString());
      }
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    callbacks.shutdownNow();
  }

  /** {@code count} loopback addresses from {@code base} upward, skipping .0 and .255. */
  static List<InetAddress> addresses(InetAddress base, int count) {
    byte[] b = base.getAddress();
    long value = ((b[0] & 0xffL) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8)
        | (b[3] & 0xff);
    List<InetAddress> out = new ArrayList<>(count);
    while (out.size() < count) {
      int last = (int) (value & 0xff);
      if (last != 0 && last != 255) {
        InetAddress a = loopback((int) (value >>> 24), (int) (value >>> 16) & 0xff,
            (int) (value >>> 8) & 0xff, last);
        if (!a.isLoopbackAddress()) {
          throw new IllegalArgumentException("testnet of " + count + " nodes from "
              + base.getHostAddress() + " leaves 127.0.0.0/8");
        }
        out.add(a);
      }
      value++;
    }
    return out;
  }

  /** The IPv4 address a.b.c.d, without any lookup. */
  public static InetAddress loopback(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }
}
