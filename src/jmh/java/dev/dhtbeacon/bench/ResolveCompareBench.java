package dev.dhtbeacon.bench;

import dev.dhtbeacon.bencode.Hex;
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
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Resolve, ours against webtorrent's {@code bittorrent-dht}, in one run on one testnet (a
 * benchmark, not a test). An N-node loopback testnet in which every datagram a testnet node sends
 * is delayed by a log-normal round trip (median {@code rttMillis}, sigma 0.6); K keys published
 * from random testnet nodes, each twice (fresh lookup, then reused tokens), as in
 * {@link ResolveBench}; then two fresh resolvers that were not in the testnet during the
 * publishes, bootstrapping from the same 3 random testnet nodes:
 *
 * <ul>
 *   <li>(a) our {@link DhtBeacon} with no cache ({@code cacheTtl(Duration.ZERO)});
 *   <li>(b) one {@code bittorrent-dht} node run by {@code src/test/js/peer.mjs}, whose
 *       {@code get} uses {@code cache: false} (a real lookup), timed inside JS with
 *       {@code performance.now()}, its get queries counted at its socket.
 * </ul>
 *
 * <p>Every key is resolved by both, alternating which goes first, so machine load hits both
 * alike. Success = a value whose signature the resolver's verify accepted, with the published
 * seq and address. Neither resolver adds delay to its own sends, so each query's round trip is
 * drawn from the model. Testnet nodes reply with at most 8 nodes.
 *
 * <p>Addresses: testnet from 127.0.150.1 (port 30001; 5 000 nodes use 127.0.150–169), our
 * resolver 127.0.199.1:30002, the JS node 127.0.199.2:30003.
 *
 * <pre>
 * java -Xmx8g -cp "$CP" dev.dhtbeacon.bench.ResolveCompareBench NODES KEYS RTT_MS SEED [JS_DIR]
 * java -Xmx8g -cp "$CP" dev.dhtbeacon.bench.ResolveCompareBench 1000 100 120 1 src/test/js
 * </pre>
 *
 * <p>JS_DIR (default {@code src/test/js}) holds {@code peer.mjs} and its {@code node_modules}
 * ({@code bash src/test/js/install.sh}).
 */
public final class ResolveCompareBench {
  private static final InetSocketAddress OURS = Endpoints.parse("127.0.199.1:30002");
  private static final InetSocketAddress THEIRS = Endpoints.parse("127.0.199.2:30003");
  private static final int TESTNET_PORT = 30001;
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(40);

  private ResolveCompareBench() {
  }

  public static void main(String[] args) throws Exception {
    int nodes = Integer.parseInt(args[0]);
    int keys = Integer.parseInt(args[1]);
    double rtt = Double.parseDouble(args[2]);
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
    Path jsDir = Path.of(args.length > 4 ? args[4] : "src/test/js").toAbsolutePath();
    if (!Files.isRegularFile(jsDir.resolve("peer.mjs"))
        || !Files.isDirectory(jsDir.resolve("node_modules").resolve("bittorrent-dht"))) {
      throw new IllegalArgumentException(jsDir + " lacks peer.mjs or node_modules/bittorrent-dht"
          + " (bash src/test/js/install.sh)");
    }
    long t0 = System.nanoTime();
    try (Testnet net = Testnet.start(Testnet.Options.of(nodes)
        .withBase(Testnet.loopback(127, 0, 150, 1), TESTNET_PORT).withSeed(seed)
        .withLatency(rtt))) {
      System.out.printf(Locale.ROOT, "nodes=%d rtt_median_ms=%.0f seed=%d ready_s=%.1f%n", nodes,
          rtt, seed, (System.nanoTime() - t0) / 1e9);
      List<Published> published = publish(net, keys, new Random(seed));
      Random random = new Random(seed + 7);
      List<InetSocketAddress> bootstrap = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        bootstrap.add(net.nodes().get(1 + random.nextInt(nodes - 1)).address());
      }
      resolveBoth(published, bootstrap, jsDir, keys);
    }
  }

  /** One published key: what a resolver must find. */
  private record Published(KeyPair keys, long seq, InetSocketAddress address) {
  }

  private static List<Published> publish(Testnet net, int keys, Random random) {
    List<Published> out = new ArrayList<>();
    List<Integer> copies = new ArrayList<>();
    List<Integer> amongTrue16 = new ArrayList<>();
    List<Integer> freshMessages = new ArrayList<>();
    List<Integer> reuseMessages = new ArrayList<>();
    int reused = 0;
    for (int i = 0; i < keys; i++) {
      DhtNode from = net.nodes().get(random.nextInt(net.nodes().size()));
      KeyPair k = KeyPair.generate();
      Publisher p = new Publisher(from, k, null, null, Clock.systemUTC());
      InetSocketAddress addr = Endpoints.parse("127.0.0.9:" + (1000 + i));
      PublishResult first = p.publish(List.of(addr));
      PublishResult second = p.publish(List.of(addr));
      reused += second.lookup() ? 0 : 1;
      copies.add(first.copies());
      NodeId target = Bep44.mutableTarget(k.publicKey().bytes(), null);
      List<NodeId> truth = Testnet.trueClosest(net.contacts(), target, 16).stream()
          .map(Contact::id).toList();
      amongTrue16.add((int) first.storedAt().stream().filter(c -> truth.contains(c.id()))
          .count());
      freshMessages.add(first.queries());
      reuseMessages.add(second.queries());
      out.add(new Published(k, second.seq(), addr));
    }
    System.out.printf(Locale.ROOT, "publish n=%d copies median=%d min=%d; among the true 16 "
        + "closest median=%d min=%d p10=%d; messages per cycle: fresh lookup median=%d p90=%d, "
        + "reused tokens median=%d p90=%d (second cycle reused tokens for %d/%d)%n", keys,
        pct(copies, 50), pct(copies, 0), pct(amongTrue16, 50), pct(amongTrue16, 0),
        pct(amongTrue16, 10), pct(freshMessages, 50), pct(freshMessages, 90),
        pct(reuseMessages, 50), pct(reuseMessages, 90), reused, keys);
    return out;
  }

  private static void resolveBoth(List<Published> published, List<InetSocketAddress> bootstrap,
      Path jsDir, int keys) throws IOException, InterruptedException {
    DhtBeacon.Builder b = DhtBeacon.builder().network(NetworkMode.LOOPBACK).bind(OURS)
        .bootstrap(bootstrap).cacheTtl(Duration.ZERO);
    int maxSeconds = 120 + keys * (int) COMMAND_TIMEOUT.toSeconds();
    try (DhtBeacon ours = b.build().start().join();
        JsNode theirs = JsNode.start(jsDir, THEIRS, bootstrap, maxSeconds)) {
      Stats a = new Stats();
      Stats bt = new Stats();
      List<Double> ipcMs = new ArrayList<>();
      List<Integer> datagrams = new ArrayList<>();
      for (int i = 0; i < published.size(); i++) {
        Published p = published.get(i);
        for (int turn = 0; turn < 2; turn++) {
          if ((turn == 0) == (i % 2 == 0)) {
            ResolveResult r = ours.resolve(p.keys().publicKey()).join();
            boolean ok = r.found() && r.seq() == p.seq()
                && r.addresses().contains(Endpoints.format(p.address()));
            a.add(ok, r.millis(), r.nodesQueried());
          } else {
            String target = Bep44.mutableTarget(p.keys().publicKey().bytes(), null).hex();
            long sent = System.nanoTime();
            String line = theirs.command("get " + target);
            ipcMs.add((System.nanoTime() - sent) / 1e6);
            boolean ok = "true".equals(field(line, "ok")) && "true".equals(field(line, "found"))
                && Long.toString(p.seq()).equals(field(line, "seq"))
                && String.valueOf(field(line, "v")).contains(Hex.encode(
                    Endpoints.compact(p.address())));
            String ms = field(line, "ms");
            String q = field(line, "queries");
            String d = field(line, "datagrams");
            bt.add(ok, ms == null ? Double.NaN : Double.parseDouble(ms),
                q == null ? -1 : Integer.parseInt(q));
            datagrams.add(d == null ? -1 : Integer.parseInt(d));
            if (!ok) {
              System.out.println("bittorrent-dht miss: " + line);
            }
          }
        }
      }
      a.print("ours          ");
      bt.print("bittorrent-dht");
      System.out.printf(Locale.ROOT, "bittorrent-dht: datagrams sent during a get median=%d "
          + "p90=%d; command round trip incl. IPC ms median=%.0f%n", pct(datagrams, 50),
          pct(datagrams, 90), pct(ipcMs, 50));
      System.out.println("bittorrent-dht stderr: " + theirs.stderr());
    }
  }

  /** Per-resolver tallies. */
  private static final class Stats {
    final List<Double> millis = new ArrayList<>();
    final List<Integer> queries = new ArrayList<>();
    int ok;

    void add(boolean success, double ms, int q) {
      ok += success ? 1 : 0;
      if (!Double.isNaN(ms)) {
        millis.add(ms);
      }
      if (q >= 0) {
        queries.add(q);
      }
    }

    void print(String name) {
      int n = Math.max(millis.size(), queries.size());
      System.out.printf(Locale.ROOT, "resolve %s n=%d success=%.1f%% ms median=%.0f p90=%.0f "
          + "p99=%.0f queries median=%d p90=%d%n", name, n, 100.0 * ok / Math.max(1, n),
          pct(millis, 50), pct(millis, 90), pct(millis, 99), pct(queries, 50),
          pct(queries, 90));
    }
  }

  /** A field of a one-line JSON answer, as raw text (strings without their quotes). */
  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"([^\"]*)\"|[^,}\\]]*)")
        .matcher(json);
    if (!m.find()) {
      return null;
    }
    return m.group(2) != null ? m.group(2) : m.group(1).strip();
  }

  static <T extends Comparable<T>> T pct(List<T> values, int p) {
    List<T> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
  }

  /** One bittorrent-dht node in a child {@code node peer.mjs} process; killed on close. */
  static final class JsNode implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final Thread hook;

    private JsNode(Process process) {
      this.process = process;
      this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      this.hook = new Thread(process::destroyForcibly, "peer.mjs-kill");
      Runtime.getRuntime().addShutdownHook(hook);
      drain(new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8)), lines::add);
      drain(new BufferedReader(new InputStreamReader(process.getErrorStream(),
          StandardCharsets.UTF_8)), stderr::add);
    }

    static JsNode start(Path dir, InetSocketAddress bind, List<InetSocketAddress> bootstrap,
        int maxSeconds) throws IOException, InterruptedException {
      for (InetSocketAddress a : bootstrap) {
        if (!a.getAddress().isLoopbackAddress()) {
          throw new IllegalArgumentException("bootstrap must be 127.x: " + a);
        }
      }
      ProcessBuilder pb = new ProcessBuilder(nodeExecutable(), "peer.mjs",
          "--bind", Endpoints.format(bind),
          "--bootstrap", bootstrap.stream().map(Endpoints::format)
              .collect(Collectors.joining(",")),
          "--ready-timeout-ms", "60000",
          "--command-timeout-ms", Long.toString(COMMAND_TIMEOUT.toMillis() - 5_000),
          "--max-seconds", Integer.toString(maxSeconds)).directory(dir.toFile());
      pb.environment().remove("DEBUG");
      pb.environment().remove("NODE_OPTIONS");
      JsNode node = new JsNode(pb.start());
      String first = node.lines.poll(70, TimeUnit.SECONDS);
      if (first == null || !first.startsWith("READY ")) {
        node.close();
        throw new IllegalStateException("peer.mjs did not get READY: " + first + "; stderr: "
            + node.stderr());
      }
      return node;
    }

    String command(String line) throws IOException, InterruptedException {
      stdin.write(line + "\n");
      stdin.flush();
      String answer = lines.poll(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (answer == null) {
        throw new IllegalStateException("peer.mjs gave no answer to '" + line + "'; stderr: "
            + stderr());
      }
      return answer;
    }

    String stderr() {
      synchronized (stderr) {
        return String.join(" | ", stderr);
      }
    }

    @Override
    public void close() {
      try {
        stdin.close();
      } catch (IOException ignored) {
        // already gone
      }
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroy();
          if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
          }
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }

    private static String nodeExecutable() {
      String path = System.getenv("PATH");
      for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, "node");
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
      throw new IllegalStateException("no 'node' executable on PATH");
    }

    private static void drain(BufferedReader in, java.util.function.Consumer<String> sink) {
      Thread t = new Thread(() -> {
        try (in) {
          for (String line; (line = in.readLine()) != null; ) {
            sink.accept(line);
          }
        } catch (IOException ignored) {
          // closed with the process
        }
      }, "peer.mjs-drain");
      t.setDaemon(true);
      t.start();
    }
  }
}
