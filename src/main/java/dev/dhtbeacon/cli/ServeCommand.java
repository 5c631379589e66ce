package dev.dhtbeacon.cli;

import dev.dhtbeacon.crawl.CrawlSettings;
import dev.dhtbeacon.crawl.Crawler;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.BootFile;
import dev.dhtbeacon.registry.KeyFile;
import dev.dhtbeacon.registry.KeyPair;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.service.BeaconService;
import dev.dhtbeacon.service.CrawlProgressSource;
import dev.dhtbeacon.service.ServeSettings;
import dev.dhtbeacon.service.ShutdownSignals;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code dhtbeacon serve}: a long-running DHT node that keeps its {@code .boot} current,
 * serves {@code /metrics}, {@code /status}, {@code /resolve/KEY} and {@code /item/KEY} and, with
 * {@code --key}, publishes this server's address every interval. The work is in
 * {@link BeaconService}; this class turns flags, environment and config file into
 * {@link ServeSettings}.
 *
 * <p>Configuration is parsed twice: the first parse only learns {@code --config}; the second
 * parses the same arguments with {@link ServeConfig} as picocli's default-value provider, so
 * file &lt; environment &lt; flag falls out of picocli's own rule that a flag beats a default.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Runs a DHT node until SIGTERM, saving the .boot file every 5 minutes and at "
        + "shutdown. With --key, publishes IP:service-port under the key every --interval.",
        "Every option can also come from the config file (key = value, the key being the long "
            + "option without dashes) and from the environment (DHTBEACON_<KEY>, e.g. "
            + "DHTBEACON_DHT_PORT); flags beat the environment, which beats the file.",
        "Exit codes: 0 stopped cleanly (SIGTERM/SIGINT), 2 bad input, 3 cannot bind or open."})
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  /** Options that configure nothing themselves, so no file or variable sets them. */
  private static final Set<String> NOT_CONFIGURABLE = Set.of("help", "version", "config",
      "print-config");

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

  @Option(names = "--http", defaultValue = "127.0.0.1:8080", paramLabel = "IP:PORT|off",
      description = "HTTP endpoints (/metrics, /status, /resolve/KEY, /item/KEY); default "
          + "${DEFAULT-VALUE}, loopback only. Another address exposes them to other hosts: an "
          + "explicit choice. 'off' disables them.")
  String http;

  @Option(names = "--crawl", description = "Also crawl the DHT slowly and continuously, "
      + "keeping the .boot file full of nodes that answer (crawl database in --data).")
  boolean crawl;

  @Option(names = "--crawl-rate", defaultValue = "20", description = "Crawl queries per "
      + "second with --crawl; default ${DEFAULT-VALUE}.")
  double crawlRate;

  @Option(names = "--status-every", defaultValue = "60", description = "Seconds between "
      + "status lines.")
  int statusEvery;

  @Option(names = "--config", paramLabel = "FILE", description = "Config file of key = value "
      + "lines (default: $DHTBEACON_CONFIG, else none).")
  Path config;

  @Option(names = "--print-config", description = "Print the effective configuration, each "
      + "value with where it came from, and exit.")
  boolean printConfig;

  /** The file and environment values this instance was parsed with; null on the first parse. */
  private ServeConfig applied;

  @Override
  public Integer call() throws Exception {
    if (applied == null) {
      return reparseWithConfig();
    }
    if (printConfig) {
      EffectiveConfig.print(spec, applied, configurableKeys(), spec.commandLine().getOut(),
          this::implicitDefault);
      return Main.OK;
    }
    return serve();
  }

  private int reparseWithConfig() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    String fromEnv = System.getenv(ServeConfig.CONFIG_ENV);
    Path file = config != null ? config
        : fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv.strip()) : null;
    ServeConfig cfg;
    try {
      cfg = ServeConfig.load(file, System.getenv(), configurableKeys());
    } catch (IllegalArgumentException e) {
      err.println("dhtbeacon serve: " + e.getMessage());
      return Main.USAGE;
    }
    ServeCommand effective = new ServeCommand();
    effective.applied = cfg;
    CommandLine second = new CommandLine(effective).setDefaultValueProvider(cfg)
        .setOut(spec.commandLine().getOut()).setErr(err);
    try {
      second.parseArgs(serveArgs());
    } catch (CommandLine.ParameterException e) {
      ServeConfig.Value from = e.getArgSpec() instanceof OptionSpec o
          ? cfg.value(ServeConfig.key(o)) : null;
      err.println("dhtbeacon serve: " + e.getMessage()
          + (from == null ? "" : " (from " + from.source() + ")"));
      return Main.USAGE;
    }
    return effective.call();
  }

  /** The arguments that followed {@code serve} on the command line. */
  private String[] serveArgs() {
    List<String> all = spec.commandLine().getParseResult().originalArgs();
    int at = all.indexOf(spec.name());
    return all.subList(at + 1, all.size()).toArray(new String[0]);
  }

  private Set<String> configurableKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (OptionSpec o : spec.options()) {
      String key = ServeConfig.key(o);
      if (!NOT_CONFIGURABLE.contains(key)) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** What an option without a default value means when nothing sets it, or null. */
  private String implicitDefault(String key) {
    return switch (key) {
      case "network" -> network.mode().toString();
      case "bind" -> defaultBind();
      default -> null;
    };
  }

  private String defaultBind() {
    return network.mode() == NetworkMode.LOOPBACK ? "127.0.0.1" : "0.0.0.0";
  }

  private int serve() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    NetworkMode mode = network.mode();
    KeyPair keys = null;
    if (keyFile != null) {
      try {
        keys = KeyFile.read(keyFile);
      } catch (KeyFile.KeyFileException e) {
        err.println("dhtbeacon serve: " + e.getMessage());
        return Main.USAGE;
      }
    }
    if (statusEvery < 1) {
      throw new IllegalArgumentException("--status-every must be at least 1, got "
          + statusEvery);
    }
    InetSocketAddress httpAt = parseHttp(http);
    boolean httpExplicit = spec.commandLine().getParseResult().hasMatchedOption("--http")
        || applied.value("http") != null;
    if (httpAt != null && !httpAt.getAddress().isLoopbackAddress()) {
      LOG.warn("HTTP endpoints on {} are reachable from other hosts", Endpoints.format(httpAt));
    }
    String host = bind != null ? bind : defaultBind();
    ServeSettings settings = new ServeSettings(mode,
        new InetSocketAddress(Endpoints.parseLiteral(host), dhtPort), boot,
        network.bootstrapAddresses(), network.routerNames(), data, keys,
        address == null ? null : parseAddress(address), servicePort, interval, httpAt,
        httpExplicit, Duration.ofSeconds(statusEvery));
    ShutdownSignals signals = ShutdownSignals.install();
    try {
      BeaconService service;
      try {
        service = BeaconService.start(settings);
      } catch (BeaconService.StartException e) {
        err.println("dhtbeacon serve: " + e.getMessage());
        return Main.NETWORK;
      }
      List<Contact> crawled = List.of();
      try (service) {
        Crawler crawler = crawl ? startCrawl(service) : null;
        try {
          service.runUntil(signals);
        } finally {
          if (crawler != null) {
            crawled = crawler.healthiest(BootFile.MAX_SAVED_ENTRIES);
            crawler.close();
          }
        }
        LOG.info("stopping: saving {} and closing the database ({})", boot,
            signals.reason());
      }
      // The node saved its routing table at close; a crawl usually knows more good nodes.
      if (crawled.size() > 0) {
        BootFile.save(boot, crawled, "crawl, " + crawled.size() + " nodes that answered");
      }
      return Main.OK;
    } finally {
      signals.disarm();
    }
  }

  /**
   * The slow continuous crawl of {@code --crawl}: sweep after sweep at {@code --crawl-rate},
   * a minute apart, writing the healthiest nodes to {@code .boot} after each sweep and every
   * five minutes, reported in /status and /metrics.
   */
  private Crawler startCrawl(BeaconService service) throws java.io.IOException {
    if (!(crawlRate > 0)) {
      throw new IllegalArgumentException("--crawl-rate must be positive, got " + crawlRate);
    }
    CrawlProgressSource progress = new CrawlProgressSource();
    CrawlSettings settings = CrawlSettings.defaults().withRate(crawlRate).withDuration(null)
        .withEstimates(false).withBootOut(boot)
        .withDatabase(data == null ? null : data.resolve("crawl.db"));
    Crawler crawler = Crawler.open(service.beacon().node(), settings, progress);
    service.attachCrawl(progress);
    crawler.runContinuously(Duration.ofMinutes(1), progress::sweepDone);
    LOG.info("crawling continuously at {} queries/s", crawlRate);
    return crawler;
  }

  /** {@code IP:PORT} (port 0: any free port), or null for {@code off}. */
  static InetSocketAddress parseHttp(String text) {
    String t = text.strip();
    if (t.equalsIgnoreCase("off") || t.equalsIgnoreCase("none")) {
      return null;
    }
    try {
      if (t.endsWith(":0")) {
        String host = t.substring(0, t.length() - 2);
        return new InetSocketAddress(Endpoints.parseLiteral(
            host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
                : host), 0);
      }
      return Endpoints.parse(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--http " + text + ": " + e.getMessage()
          + " (use IP:PORT, or off)");
    }
  }

  private InetSocketAddress parseAddress(String text) {
    if (Endpoints.isLiteral(text)) {
      return new InetSocketAddress(Endpoints.parseLiteral(text), servicePort);
    }
    return Endpoints.parse(text);
  }
}
