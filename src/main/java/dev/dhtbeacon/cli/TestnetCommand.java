package dev.dhtbeacon.cli;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.NodeStatus;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Endpoints;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dhtbeacon testnet}: N full nodes on loopback addresses in one JVM. */
@Command(name = "testnet", mixinStandardHelpOptions = true,
    description = {"Starts N DHT nodes in this JVM, each on its own 127.x.y.z address.",
        "Prints 'READY ip:port' once the routing tables have converged, then a status line "
            + "every --status-every seconds; stops on SIGTERM or after --seconds."})
final class TestnetCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--nodes", required = true, description = "How many nodes.")
  int nodes;

  @Option(names = "--base-address", defaultValue = "127.0.1.1",
      description = "First node's address (must be in 127.0.0.0/8); default ${DEFAULT-VALUE}.")
  String baseAddress;

  @Option(names = "--port", defaultValue = "6881", description = "UDP port of every node.")
  int port;

  @Option(names = "--seconds", description = "Stop after this many seconds (default: run until "
      + "SIGTERM).")
  Long seconds;

  @Option(names = "--status-every", defaultValue = "10", description = "Seconds between "
      + "status lines.")
  int statusEvery;

  @Option(names = "--threads", description = "Event loops shared by all nodes (default: cores).")
  Integer threads;

  @Option(names = "--infohashes", defaultValue = "0", description = "Random infohashes seeded "
      + "into each node's peer store (crawl truth).")
  int infohashes;

  @Option(names = "--dead", defaultValue = "0", description = "Fraction of nodes that stop "
      + "answering once the tables have converged (they stay in others' tables).")
  double dead;

  @Option(names = "--no-bep51", defaultValue = "0", description = "Fraction of nodes that "
      + "answer sample_infohashes as an unknown method.")
  double noBep51;

  @Option(names = "--rtt", defaultValue = "0", description = "Median RTT in ms added to every "
      + "datagram the nodes send (log-normal, sigma 0.6); 0 for none.")
  double rtt;

  @Option(names = "--refresh-buckets", description = "Once the tables have converged, every "
      + "node refreshes each of its buckets (as BEP 5 nodes do every 15 minutes): tables as a "
      + "network that has run a while has them.")
  boolean refreshBuckets;

  @Option(names = "--network", defaultValue = "loopback",
      description = "Must be loopback: a testnet never joins the real DHT.")
  String network;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (NetworkMode.parse(network) != NetworkMode.LOOPBACK) {
      err.println("dhtbeacon testnet: only --network loopback is allowed");
      return Main.USAGE;
    }
    InetAddress base = Endpoints.parseLiteral(baseAddress);
    Testnet.Options defaults = Testnet.Options.of(nodes).withBase(base, port)
        .withCrawlTruth(infohashes, dead, noBep51).withLatency(rtt);
    Testnet.Options withThreads = threads == null ? defaults : defaults.withThreads(threads);
    Testnet.Options options = refreshBuckets ? withThreads.withBucketRefresh() : withThreads;
    long started = System.nanoTime();
    Testnet net = Testnet.start(options);
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      net.close();
    }, "testnet-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("READY " + Endpoints.format(net.entryPoint()));
    out.flush();
    err.printf("testnet: %d nodes ready in %.1f s%n", nodes, (System.nanoTime() - started) / 1e9);
    err.flush();
    long deadline = seconds == null ? Long.MAX_VALUE
        : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      long wait = Math.min(TimeUnit.SECONDS.toNanos(statusEvery), deadline - System.nanoTime());
      if (stop.await(Math.max(1, wait), TimeUnit.NANOSECONDS)) {
        return Main.OK;
      }
      out.println(statusLine(net));
      out.flush();
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    net.close();
    return Main.OK;
  }

  private static String statusLine(Testnet net) {
    List<DhtNode> all = net.nodes();
    long tables = 0;
    long received = 0;
    for (DhtNode n : all) {
      NodeStatus s = n.status().join();
      tables += s.routingSize();
      received += n.transport().counters().received.sum();
    }
    Runtime rt = Runtime.getRuntime();
    return String.format("STATUS nodes=%d avg_table=%.1f packets_received=%d heap_mb=%d",
        all.size(), (double) tables / all.size(), received,
        (rt.totalMemory() - rt.freeMemory()) >> 20);
  }
}
