package dev.dhtbeacon.cli;

import dev.dhtbeacon.registry.DhtBeacon;
import dev.dhtbeacon.registry.PublicKey;
import dev.dhtbeacon.registry.ResolveResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dhtbeacon resolve PUBKEY}: the addresses published under a key, verified. */
@Command(name = "resolve", mixinStandardHelpOptions = true,
    description = {"Looks up the address record published under PUBKEY and prints one ip:port "
        + "per line (or one JSON object with --json).",
        "Exit codes: 0 found, 1 not found, 2 bad input, 3 network failure or timeout."})
final class ResolveCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PUBKEY",
      description = "64 hex or 52 z-base32 characters, optionally prefixed pk:")
  String key;

  @Mixin
  NetworkOptions network;

  @Mixin
  BeaconOptions beacon;

  @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "Give up after this long; default ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--json", description = "Print one JSON object on stdout.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PublicKey pk = PublicKey.parse(key);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    try (DhtBeacon b = beacon.build(network)) {
      b.start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (b.node().status().join().routingV4() + b.node().status().join().routingV6() == 0) {
        err.println("dhtbeacon resolve: no DHT node answered (check --bootstrap / --boot)");
        return Main.NETWORK;
      }
      long left = timeout.toMillis() - (System.nanoTime() - started) / 1_000_000;
      ResolveResult r = b.resolve(pk).get(Math.max(1, left), TimeUnit.MILLISECONDS);
      long ms = (System.nanoTime() - started) / 1_000_000;
      if (json) {
        out.println(Json.write(toJson(r, ms)));
      } else if (r.found()) {
        r.addresses().forEach(out::println);
      } else {
        err.println("not found: no valid record for " + pk.hex() + " (" + r.nodesQueried()
            + " nodes queried)");
      }
      out.flush();
      return r.found() ? Main.OK : Main.NOT_FOUND;
    } catch (TimeoutException e) {
      err.println("dhtbeacon resolve: timed out after " + timeout.toMillis() + " ms");
      return Main.NETWORK;
    } catch (CompletionException | java.util.concurrent.ExecutionException e) {
      err.println("dhtbeacon resolve: " + e.getCause().getMessage());
      return Main.NETWORK;
    }
  }

  private static Map<String, Object> toJson(ResolveResult r, long ms) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", r.key().hex());
    m.put("found", r.found());
    m.put("seq", r.found() ? r.seq() : null);
    m.put("addresses", r.addresses());
    m.put("published", r.found() ? r.record().publishedSeconds() : null);
    m.put("nodes_queried", r.nodesQueried());
    m.put("invalid_items", r.invalidItems());
    m.put("ms", ms);
    return m;
  }
}
