package dev.dhtbeacon.bench;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.registry.KeyPair;
import dev.dhtbeacon.registry.PublishResult;
import dev.dhtbeacon.registry.Publisher;
import dev.dhtbeacon.routing.Endpoints;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cold {@code dhtbeacon resolve} as a process, JVM start included (a benchmark, not a test): an
 * N-node loopback testnet in this JVM (no injected latency when RTT_MS is 0, else the log-normal
 * model of {@link ResolveBench}), one key published from a random testnet node, then
 * {@code java -cp JAR dev.dhtbeacon.cli.Main resolve KEY --network loopback --bootstrap ENTRY
 * --bind 127.0.199.20 --json} run RUNS times one after the other (after one unreported warm-up
 * run that fills the page cache). Reports wall time from process start to exit, median/p90,
 * exit codes, and the {@code ms} and {@code nodes_queried} the process printed (its own timing:
 * node start, bootstrap and lookup, without JVM start).
 *
 * <p>Addresses: testnet from 127.0.170.1 port 30011; the CLI binds 127.0.199.20 on an
 * ephemeral port (32768–60999 here).
 *
 * <pre>
 * mvn -B -q -o package -DskipTests &amp;&amp; cp target/dhtbeacon.jar /tmp/dhtbeacon.jar
 * java -Xmx4g -cp "$CP" dev.dhtbeacon.bench.ColdResolveBench NODES RUNS RTT_MS SEED JAR
 * java -Xmx4g -cp "$CP" dev.dhtbeacon.bench.ColdResolveBench 1000 12 0 1 /tmp/dhtbeacon.jar
 * </pre>
 */
public final class ColdResolveBench {
  private ColdResolveBench() {
  }

  public static void main(String[] args) throws Exception {
    int nodes = Integer.parseInt(args[0]);
    int runs = Integer.parseInt(args[1]);
    double rtt = Double.parseDouble(args[2]);
    long seed = Long.parseLong(args[3]);
    Path jar = Path.of(args[4]).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("no jar at " + jar);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    long t0 = System.nanoTime();
    try (Testnet net = Testnet.start(Testnet.Options.of(nodes)
        .withBase(Testnet.loopback(127, 0, 170, 1), 30011).withSeed(seed).withLatency(rtt))) {
      System.out.printf(Locale.ROOT, "nodes=%d rtt_median_ms=%.0f seed=%d ready_s=%.1f%n", nodes,
          rtt, seed, (System.nanoTime() - t0) / 1e9);
      Random random = new Random(seed);
      DhtNode from = net.nodes().get(random.nextInt(nodes));
      KeyPair k = KeyPair.generate();
      InetSocketAddress addr = Endpoints.parse("127.0.0.9:4242");
      PublishResult published = new Publisher(from, k, null, null, Clock.systemUTC())
          .publish(List.of(addr));
      System.out.printf("published %s seq %d: %d copies%n", k.publicKey().hex(),
          published.seq(), published.copies());
      List<String> command = List.of(java, "-cp", jar.toString(), "dev.dhtbeacon.cli.Main",
          "resolve", k.publicKey().hex(), "--network", "loopback", "--bootstrap",
          Endpoints.format(net.entryPoint()), "--bind", "127.0.199.20", "--json");
      System.out.println("command: " + String.join(" ", command));
      List<Double> wall = new ArrayList<>();
      List<Long> inner = new ArrayList<>();
      List<Long> queried = new ArrayList<>();
      TreeMap<Integer, Integer> exits = new TreeMap<>();
      int correct = 0;
      for (int run = 0; run <= runs; run++) {
        long started = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        int exit;
        if (p.waitFor(60, TimeUnit.SECONDS)) {
          exit = p.exitValue();
        } else {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          exit = -1;
        }
        double ms = (System.nanoTime() - started) / 1e6;
        String json = out.get(5, TimeUnit.SECONDS).strip();
        if (run == 0) {
          System.out.printf(Locale.ROOT, "warm-up: exit %d, %.0f ms, %s%n", exit, ms, json);
          continue;
        }
        wall.add(ms);
        exits.merge(exit, 1, Integer::sum);
        String innerMs = ResolveCompareBench.field(json, "ms");
        String q = ResolveCompareBench.field(json, "nodes_queried");
        if (innerMs != null) {
          inner.add(Long.parseLong(innerMs));
        }
        if (q != null) {
          queried.add(Long.parseLong(q));
        }
        boolean ok = exit == 0 && json.contains("\"" + Endpoints.format(addr) + "\"")
            && Long.toString(published.seq()).equals(ResolveCompareBench.field(json, "seq"));
        correct += ok ? 1 : 0;
        if (!ok) {
          System.out.println("run " + run + ": exit " + exit + " " + json + " stderr: "
              + err.get(5, TimeUnit.SECONDS).strip());
        }
      }
      System.out.printf(Locale.ROOT, "cold resolve runs=%d correct=%d exits=%s wall ms "
          + "median=%.0f p90=%.0f min=%.0f max=%.0f; in-process ms median=%d p90=%d; "
          + "nodes_queried median=%d%n", runs, correct, exits,
          ResolveCompareBench.pct(wall, 50), ResolveCompareBench.pct(wall, 90),
          ResolveCompareBench.pct(wall, 0), ResolveCompareBench.pct(wall, 100),
          ResolveCompareBench.pct(inner, 50), ResolveCompareBench.pct(inner, 90),
          ResolveCompareBench.pct(queried, 50));
      System.out.println("wall ms: " + wall.stream().map(d -> String.format(Locale.ROOT, "%.0f", d))
          .toList());
    }
  }

  private static CompletableFuture<String> read(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }
}
