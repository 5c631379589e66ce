package dev.dhtbeacon.cli;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.routing.Endpoints;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --network} and {@code --bootstrap}, shared by every command that joins the DHT. */
final class NetworkOptions {
  @Option(names = "--network", paramLabel = "mainline|loopback",
      description = "Which network to join (default: $DHTBEACON_NETWORK, else mainline). "
          + "loopback refuses every destination outside 127.0.0.0/8 and ::1.")
  String network;

  @Option(names = "--bootstrap", split = ",", paramLabel = "ip:port",
      description = "Nodes to bootstrap from when the .boot file gives none. IP literals; "
          + "host names are allowed only in mainline mode.")
  List<String> bootstrap = new ArrayList<>();

  @Option(names = "--routers", paramLabel = "FILE",
      description = "Router list, read only in mainline mode (default: bootstrap/routers.txt, "
          + "else the copy in the jar).")
  Path routers;

  NetworkMode mode() {
    return network != null ? NetworkMode.parse(network)
        : NetworkMode.fromEnvironment(NetworkMode.MAINLINE);
  }

  /**
   * {@code bind} (a literal address) on an ephemeral port; without it 127.0.0.1 in loopback
   * mode, the wildcard otherwise.
   */
  InetSocketAddress ephemeralBind(String bind) {
    String host = bind != null ? bind : mode() == NetworkMode.LOOPBACK ? "127.0.0.1" : "0.0.0.0";
    return new InetSocketAddress(Endpoints.parseLiteral(host), 0);
  }

  /** The IP-literal bootstrap endpoints. */
  List<InetSocketAddress> bootstrapAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String b : bootstrap) {
      String host = b.startsWith("[") ? b : b.substring(0, Math.max(0, b.lastIndexOf(':')));
      if (b.startsWith("[") || Endpoints.isLiteral(host)) {
        out.add(Endpoints.parse(b));
      }
    }
    return out;
  }

  /**
   * Names to resolve: bootstrap entries that are host names plus the router list, both only in
   * mainline mode. In loopback mode a host name is a usage error and the list is not read.
   */
  List<String> routerNames() throws IOException {
    List<String> names = new ArrayList<>();
    for (String b : bootstrap) {
      if (!b.startsWith("[") && !Endpoints.isLiteral(b.substring(0, Math.max(0,
          b.lastIndexOf(':'))))) {
        if (mode() == NetworkMode.LOOPBACK) {
          throw new IllegalArgumentException("--bootstrap " + b
              + ": host names are not resolved in loopback mode; use an IP in 127.0.0.0/8");
        }
        names.add(b);
      }
    }
    if (mode() == NetworkMode.MAINLINE && bootstrap.isEmpty()) {
      names.addAll(readRouters());
    }
    return names;
  }

  private List<String> readRouters() throws IOException {
    Path file = routers != null ? routers : Path.of("bootstrap", "routers.txt");
    List<String> lines;
    if (Files.isRegularFile(file)) {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } else {
      try (InputStream in = NetworkOptions.class.getResourceAsStream("routers.txt")) {
        lines = in == null ? List.of()
            : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      }
    }
    return lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }
}
