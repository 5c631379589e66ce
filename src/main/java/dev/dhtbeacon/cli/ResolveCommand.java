package dev.dhtbeacon.cli;

import dev.dhtbeacon.registry.DhtBeacon;
import dev.dhtbeacon.registry.PublicKey;
import dev.dhtbeacon.registry.ResolveResult;
import dev.dhtbeacon.service.Json;
import dev.dhtbeacon.service.ResolveClient;
import dev.dhtbeacon.service.ResolveJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
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

/**
 * {@code dhtbeacon resolve PUBKEY}: the addresses published under a key, verified; with
 * {@code --via}, asked of a running {@code serve} instead of a node of our own.
 */
@Command(name = "resolve", mixinStandardHelpOptions = true,
    description = {"Looks up the address record published under PUBKEY and prints one ip:port "
        + "per line (or one JSON object with --json).",
        "With --via http://host:port, a running 'dhtbeacon serve' resolves it (its cache and "
            + "warm routing table: milliseconds instead of a cold lookup); same output.",
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

  @Option(names = "--via", paramLabel = "URL", description = "Resolve through a running "
      + "service's HTTP endpoint (http://host:port) instead of joining the DHT.")
  String via;

  @Override
  public Integer call() throws Exception {
    PublicKey pk = PublicKey.parse(key);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    if (via != null) {
      return viaService(pk, out, err, started);
    }
    try (DhtBeacon b = beacon.build(network)) {
      b.start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (b.node().status().join().routingSize() == 0) {
        err.println("dhtbeacon resolve: no DHT node answered (check --bootstrap / --boot)");
        return Main.NETWORK;
      }
      long left = timeout.toMillis() - (System.nanoTime() - started) / 1_000_000;
      ResolveResult r = b.resolve(pk).get(Math.max(1, left), TimeUnit.MILLISECONDS);
      long ms = (System.nanoTime() - started) / 1_000_000;
      if (json) {
        out.println(Json.write(ResolveJson.resolve(r, ms)));
      } else if (r.found()) {
        r.addresses().forEach(out::println);
      } else {
        notFound(err, pk, r.nodesQueried());
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

  /** The service answers with the JSON a direct resolve prints; only {@code ms} is ours. */
  private int viaService(PublicKey pk, PrintWriter out, PrintWriter err, long started)
      throws InterruptedException {
    ResolveClient client = ResolveClient.of(via, network.mode(), timeout);
    ResolveClient.Answer a;
    try {
      a = client.resolve(pk, timeout);
    } catch (HttpTimeoutException e) {
      err.println("dhtbeacon resolve: timed out after " + timeout.toMillis() + " ms");
      return Main.NETWORK;
    } catch (IOException e) {
      err.println("dhtbeacon resolve: cannot reach " + via + ": "
          + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return Main.NETWORK;
    }
    Map<String, Object> body = a.body();
    if ((a.status() == 200 || a.status() == 404) && body.get("found") instanceof Boolean found) {
      if (json) {
        body.put("ms", (System.nanoTime() - started) / 1_000_000);
        out.println(Json.write(body));
      } else if (found && body.get("addresses") instanceof List<?> addresses) {
        addresses.forEach(out::println);
      } else if (!found) {
        notFound(err, pk, body.get("nodes_queried"));
      }
      out.flush();
      return found ? Main.OK : Main.NOT_FOUND;
    }
    err.println("dhtbeacon resolve: " + via + ": " + a.error());
    return a.status() == 400 ? Main.USAGE : Main.NETWORK;
  }

  private static void notFound(PrintWriter err, PublicKey pk, Object nodesQueried) {
    err.println("not found: no valid record for " + pk.hex() + " (" + nodesQueried
        + " nodes queried)");
  }
}
