package dev.dhtbeacon.cli;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.registry.DhtBeacon;
import dev.dhtbeacon.routing.Endpoints;
import java.io.IOException;
import java.net.InetSocketAddress;
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
    NetworkMode mode = network.mode();
    String host = bind != null ? bind : mode == NetworkMode.LOOPBACK ? "127.0.0.1" : "0.0.0.0";
    DhtBeacon.Builder b = DhtBeacon.builder().network(mode)
        .bind(new InetSocketAddress(Endpoints.parseLiteral(host), 0))
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
