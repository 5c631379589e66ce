package dev.dhtbeacon.cli;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.DhtNodeBuilder;
import dev.dhtbeacon.routing.Endpoints;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dhtbeacon serve}: one long-running DHT node that keeps its {@code .boot} current. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Runs a DHT node until SIGTERM, saving the .boot file every 5 minutes and at "
        + "shutdown."})
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

  @Option(names = "--status-every", defaultValue = "60", description = "Seconds between "
      + "status lines.")
  int statusEvery;

  @Override
  public Integer call() throws Exception {
    NetworkMode mode = network.mode();
    String host = bind != null ? bind : mode == NetworkMode.LOOPBACK ? "127.0.0.1" : "0.0.0.0";
    DhtNode node = DhtNode.builder()
        .network(mode)
        .bind(new InetSocketAddress(Endpoints.parseLiteral(host), dhtPort))
        .bootFile(boot)
        .bootstrap(network.bootstrapAddresses())
        .routers(network.routerNames())
        .build();
    PrintWriter err = spec.commandLine().getErr();
    try {
      node.start().join();
    } catch (CompletionException e) {
      err.println("dhtbeacon serve: " + e.getCause().getMessage());
      node.close();
      return Main.NETWORK;
    }
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
    LOG.info("serving on {} ({} mode), .boot {}", Endpoints.format(node.address()), mode, boot);
    while (!stopped.await(statusEvery, TimeUnit.SECONDS)) {
      LOG.info(node.status().join().line());
    }
    LOG.info("stopping: saving {}", boot);
    node.close();
    closed.countDown();
    return Main.OK;
  }
}
