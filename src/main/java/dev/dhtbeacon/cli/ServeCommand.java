package dev.dhtbeacon.cli;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.NodeStatus;
import dev.dhtbeacon.registry.DhtBeacon;
import dev.dhtbeacon.registry.KeyFile;
import dev.dhtbeacon.registry.KeyPair;
import dev.dhtbeacon.routing.Endpoints;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dhtbeacon serve}: a long-running DHT node that keeps its {@code .boot} current and,
 * with {@code --key}, publishes this server's address every interval.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Runs a DHT node until SIGTERM, saving the .boot file every 5 minutes and at "
        + "shutdown. With --key, publishes IP:service-port under the key every --interval."})
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  NetworkOptions network;

  @Option(names = "--dht-port", defaultValue = "6881", description = "UDP port; default "
      + "${DEFAULT-VALUE}.")
  int dhtPort;

  @Option(names = "--bind", description = "Local address (default 127.0.0.1 in loopback mode, "
      + "0.0.0.0 in mainline mode).")
  String bind;

  @Option(names = "--boot", defaultValue = ".boot", description = "The .boot file; default "
      + "${DEFAULT-VALUE}.")
  Path boot;

  @Option(names = "--key", description = "Key file (from keygen): publish under this key.")
  Path keyFile;

  @Option(names = "--service-port", defaultValue = "6882", description = "The port published "
      + "with our address; default ${DEFAULT-VALUE}.")
  int servicePort;

  @Option(names = "--address", paramLabel = "IP[:port]", description = "The address to "
      + "publish (default: our external IP by majority of BEP 42 votes, with --service-port).")
  String address;

  @Option(names = "--interval", defaultValue = "60s", converter = DurationConverter.class,
      description = "Publish interval; default ${DEFAULT-VALUE}.")
  Duration interval;

  @Option(names = "--data", defaultValue = "data", description = "Data directory (MapDB: last "
      + "published seq, resolve cache); default ${DEFAULT-VALUE}.")
  Path data;

  @Option(names = "--status-every", defaultValue = "60", description = "Seconds between "
      + "status lines.")
  int statusEvery;

  @Override
  public Integer call() throws Exception {
    NetworkMode mode = network.mode();
    PrintWriter err = spec.commandLine().getErr();
    KeyPair keys = null;
    if (keyFile != null) {
      try {
        keys = KeyFile.read(keyFile);
      } catch (KeyFile.KeyFileException e) {
        err.println("dhtbeacon serve: " + e.getMessage());
        return Main.USAGE;
      }
    }
    InetSocketAddress fixed = address == null ? null : parseAddress(address);
    String host = bind != null ? bind : mode == NetworkMode.LOOPBACK ? "127.0.0.1" : "0.0.0.0";
    DhtBeacon beacon = DhtBeacon.builder()
        .network(mode)
        .bind(new InetSocketAddress(Endpoints.parseLiteral(host), dhtPort))
        .bootFile(boot)
        .bootstrap(network.bootstrapAddresses())
        .routers(network.routerNames())
        .dataDir(data)
        .build();
    try {
      beacon.start().get();
    } catch (ExecutionException e) {
      err.println("dhtbeacon serve: " + e.getCause().getMessage());
      beacon.close();
      return Main.NETWORK;
    }
    LOG.info("serving on {} ({} mode), .boot {}", Endpoints.format(beacon.node().address()),
        mode, boot);
    if (keys != null) {
      LOG.info("publishing under {} every {} s", keys.publicKey(), interval.toSeconds());
      beacon.startPublishing(keys, () -> addressToPublish(beacon, fixed), interval);
    }
    awaitShutdown(beacon);
    return Main.OK;
  }

  private void awaitShutdown(DhtBeacon beacon) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopped.countDown();
      try {
        closed.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "serve-shutdown"));
    while (!stopped.await(statusEvery, TimeUnit.SECONDS)) {
      LOG.info(beacon.node().status().join().line());
    }
    LOG.info("stopping: saving {}", boot);
    beacon.close();
    closed.countDown();
  }

  /** --address, else the BEP 42 majority IP with --service-port; empty until votes arrive. */
  private List<InetSocketAddress> addressToPublish(DhtBeacon beacon, InetSocketAddress fixed) {
    if (fixed != null) {
      return List.of(fixed);
    }
    NodeStatus s = beacon.node().status().join();
    if (s.external() == null) {
      throw new IllegalStateException("external address not known yet (no BEP 42 votes); "
          + "use --address");
    }
    return List.of(new InetSocketAddress(s.external().getAddress(), servicePort));
  }

  private InetSocketAddress parseAddress(String text) {
    if (Endpoints.isLiteral(text)) {
      return new InetSocketAddress(Endpoints.parseLiteral(text), servicePort);
    }
    return Endpoints.parse(text);
  }
}
