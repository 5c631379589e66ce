package dev.dhtbeacon.cli;

import dev.dhtbeacon.crawl.CrawlProgress;
import dev.dhtbeacon.crawl.CrawlSettings;
import dev.dhtbeacon.crawl.CrawlSummary;
import dev.dhtbeacon.crawl.Crawler;
import dev.dhtbeacon.node.BootFile;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.DhtNodeBuilder;
import dev.dhtbeacon.report.CrawlReport;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.service.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dhtbeacon crawl}: one sweep of the keyspace, with size estimates. */
@Command(name = "crawl", mixinStandardHelpOptions = true,
    description = {"Sweeps the DHT keyspace once (each node queried once, BEP 51 samples where "
        + "supported), estimates the network's size, and stops when the sweep is complete or "
        + "--duration is reached. Progress goes to stderr once a second.",
        "Exit codes: 0 done, 2 bad input, 3 network failure (no node answered)."})
final class CrawlCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  NetworkOptions network;

  @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
      description = "Stop after this long; default ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(names = "--rate", defaultValue = "500", description = "Queries per second, all "
      + "destinations together; default ${DEFAULT-VALUE}. Each IP gets at most 1/s.")
  double rate;

  @Option(names = "--db", description = "Crawl database (MapDB); a killed crawl resumes from "
      + "it. Default: in memory.")
  Path db;

  @Option(names = "--boot-out", description = "Write the healthiest nodes (answered in the "
      + "last 15 minutes, one per IP, lowest RTT first) here in .boot format.")
  Path bootOut;

  @Option(names = "--report", description = "When the crawl ends, write a self-contained HTML "
      + "report of the crawl database here (charts of the keyspace, client versions, RTTs, "
      + "BEP 42 / BEP 51 support and the size estimate over time).")
  Path report;

  @Option(names = "--boot", description = "A .boot file to start from.")
  Path boot;

  @Option(names = "--bind", description = "Local address (default 127.0.0.1 in loopback mode, "
      + "0.0.0.0 otherwise); the port is ephemeral.")
  String bind;

  @Option(names = "--json", description = "Print one JSON summary object on stdout.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("--rate must be positive, got " + rate);
    }
    if (report != null && !Files.isDirectory(report.toAbsolutePath().getParent())) {
      throw new IllegalArgumentException("--report: no such directory: "
          + report.toAbsolutePath().getParent());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DhtNodeBuilder builder = DhtNode.builder().network(network.mode())
        .bind(network.ephemeralBind(bind))
        .bootstrap(network.bootstrapAddresses())
        .routers(network.routerNames());
    if (boot != null) {
      builder.bootFile(boot);
    }
    DhtNode node = builder.build();
    try {
      node.start().get();
      if (node.status().join().routingSize() == 0) {
        err.println("dhtbeacon crawl: no DHT node answered (check --bootstrap / --boot)");
        return Main.NETWORK;
      }
      CrawlSettings settings = CrawlSettings.defaults().withRate(rate).withDuration(duration)
          .withDatabase(db);
      boolean terminal = System.console() != null;
      try (Crawler crawler = Crawler.open(node, settings, progress -> printProgress(err,
          progress, terminal))) {
        CrawlSummary summary = crawler.sweep().get();
        if (terminal) {
          err.println();
        }
        if (bootOut != null) {
          List<Contact> healthiest = crawler.healthiest(BootFile.MAX_SAVED_ENTRIES);
          BootFile.save(bootOut, healthiest, "crawl of " + summary.nodesAnswered()
              + " answering nodes");
          err.println("wrote " + healthiest.size() + " nodes to " + bootOut);
        }
        if (report != null) {
          crawler.readDatabase(db -> CrawlReport.collect(db, summary, Instant.now())).get()
              .write(report);
          err.println("wrote the crawl report to " + report);
        }
        if (json) {
          out.println(Json.write(summary.toMap()));
        } else {
          err.println(summary.toMap());
        }
        out.flush();
        return Main.OK;
      }
    } catch (ExecutionException e) {
      err.println("dhtbeacon crawl: " + e.getCause().getMessage());
      return Main.NETWORK;
    } finally {
      node.close();
    }
  }

  private static void printProgress(PrintWriter err, CrawlProgress p, boolean terminal) {
    err.print(terminal ? "\r" + p.line() : p.line() + "\n");
    err.flush();
  }
}
