package dev.dhtbeacon.cli;

import dev.dhtbeacon.registry.DhtBeacon;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the one-shot commands ({@code publish}, {@code resolve}): ephemeral port. */
final class BeaconOptions {
  @Option(names = "--boot", description = "A .boot file to start from (and refresh); default "
      + "none.")
  Path boot;

  @Option(names = "--data", description = "Data directory (MapDB: last published seq, resolve "
      + "cache); default none.")
  Path data;

  @Option(names = "--bind", description = "Local address (default 127.0.0.1 in loopback mode, "
      + "0.0.0.0 otherwise); the port is ephemeral.")
  String bind;

  /** A beacon on an ephemeral port, per the network options. */
  DhtBeacon build(NetworkOptions network) throws IOException {
    DhtBeacon.Builder b = DhtBeacon.builder().network(network.mode())
        .bind(network.ephemeralBind(bind))
        .bootstrap(network.bootstrapAddresses())
        .routers(network.routerNames());
    if (boot != null) {
      b.bootFile(boot);
    }
    if (data != null) {
      b.dataDir(data);
    }
    return b.build();
  }
}
