package dev.dhtbeacon.service;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.registry.KeyPair;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code serve} runs with, resolved from flags, environment and config file by the
 * CLI.
 *
 * @param bind the DHT's UDP endpoint
 * @param bootFile the {@code .boot} file, or null
 * @param routers router names, resolved only in mainline mode
 * @param dataDir the MapDB directory, or null for none (then no resolve cache)
 * @param keys the key to publish under, or null to publish nothing
 * @param fixedAddress {@code --address}: what to publish, or null for the voted IP with
 *     {@code servicePort}
 * @param http where the HTTP endpoints listen, or null for none
 * @param httpRequired whether failing to bind {@code http} is fatal (it was configured
 *     explicitly); otherwise the service runs on without HTTP and says so once
 * @param statusEvery how often a status line is logged
 */
public record ServeSettings(NetworkMode mode, InetSocketAddress bind, Path bootFile,
    List<InetSocketAddress> bootstrap, List<String> routers, Path dataDir, KeyPair keys,
    InetSocketAddress fixedAddress, int servicePort, Duration interval, InetSocketAddress http,
    boolean httpRequired, Duration statusEvery) {

  public ServeSettings {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(bind, "bind");
    bootstrap = List.copyOf(bootstrap);
    routers = List.copyOf(routers);
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(statusEvery, "statusEvery");
  }
}
