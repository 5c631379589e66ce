package dev.dhtbeacon.cli;

import dev.dhtbeacon.registry.AddressRecord;
import dev.dhtbeacon.registry.DhtBeacon;
import dev.dhtbeacon.registry.KeyFile;
import dev.dhtbeacon.registry.KeyPair;
import dev.dhtbeacon.registry.PublishResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dhtbeacon publish}: publishes an address record once. */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {"Signs ADDRESS with the key and stores it on the 16 closest DHT nodes.",
        "Exit codes: 0 stored, 1 stored nowhere, 2 bad input, 3 network failure."})
final class PublishCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--key", required = true, description = "Key file written by keygen.")
  Path keyFile;

  @Option(names = "--address", required = true, paramLabel = "IP:port[,IP:port]",
      description = "The endpoints to publish (1 to 16; IPv6 as [addr]:port).")
  String address;

  @Mixin
  NetworkOptions network;

  @Mixin
  BeaconOptions beacon;

  @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
      description = "Give up after this long; default ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--json", description = "Print one JSON object on stdout.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KeyPair keys;
    try {
      keys = KeyFile.read(keyFile);
    } catch (KeyFile.KeyFileException e) {
      err.println("dhtbeacon publish: " + e.getMessage());
      return Main.USAGE;
    }
    AddressRecord record = AddressRecord.fromText(address);
    try (DhtBeacon b = beacon.build(network)) {
      b.start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (b.node().status().join().routingSize() == 0) {
        err.println("dhtbeacon publish: no DHT node answered (check --bootstrap / --boot)");
        return Main.NETWORK;
      }
      PublishResult r = b.publish(keys, record.addresses())
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (json) {
        out.println(Json.write(toJson(r, record)));
      } else {
        out.println(keys.publicKey().hex());
        err.printf("published seq %d to %d of %d nodes in %d ms%n", r.seq(), r.copies(),
            r.attempted(), r.millis());
      }
      out.flush();
      return r.copies() > 0 ? Main.OK : Main.NOT_FOUND;
    } catch (TimeoutException e) {
      err.println("dhtbeacon publish: timed out after " + timeout.toMillis() + " ms");
      return Main.NETWORK;
    } catch (ExecutionException e) {
      err.println("dhtbeacon publish: " + e.getCause().getMessage());
      return Main.NETWORK;
    }
  }

  private static Map<String, Object> toJson(PublishResult r, AddressRecord record) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", r.key().hex());
    m.put("seq", r.seq());
    m.put("addresses", record.formatted());
    m.put("copies", r.copies());
    m.put("attempted", r.attempted());
    m.put("errors", r.errors());
    m.put("timeouts", r.timeouts());
    m.put("queries", r.queries());
    m.put("ms", r.millis());
    return m;
  }
}
