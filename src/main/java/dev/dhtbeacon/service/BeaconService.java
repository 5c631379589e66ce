package dev.dhtbeacon.service;

import dev.dhtbeacon.node.NodeStatus;
import dev.dhtbeacon.registry.DhtBeacon;
import dev.dhtbeacon.routing.Endpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running {@code serve}: a {@link DhtBeacon} with metrics, the HTTP endpoints and,
 * with a key, publishing every interval. {@link #close()} stops in the order that loses
 * nothing: HTTP first (no new work), then publishing, {@code .boot}, the socket and MapDB.
 */
public final class BeaconService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BeaconService.class);
  /** How long {@code /resolve} and {@code /item} wait for a DHT lookup. */
  static final long RESOLVE_TIMEOUT_MILLIS = 10_000;

  private final ServeSettings settings;
  private final DhtBeacon beacon;
  private final ServiceMetrics metrics;
  private final StatusReport status;
  private final HttpApi http;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BeaconService(ServeSettings settings, DhtBeacon beacon, ServiceMetrics metrics,
      StatusReport status, HttpApi http) {
    this.settings = settings;
    this.beacon = beacon;
    this.metrics = metrics;
    this.status = status;
    this.http = http;
  }

  /** Why the service could not start; the message is one line for the operator. */
  public static final class StartException extends Exception {
    StartException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Opens the data directory, binds the DHT socket, bootstraps, binds HTTP and starts
   * publishing.
   *
   * @throws StartException if the database, the UDP socket or an explicitly configured HTTP
   *     address cannot be opened (everything opened so far is closed again)
   */
  public static BeaconService start(ServeSettings s) throws StartException,
      InterruptedException {
    Clock clock = Clock.systemUTC();
    PublishState publish = s.keys() == null ? null : new PublishState(s.keys().publicKey());
    ServiceMetrics metrics = new ServiceMetrics(clock, publish);
    DhtBeacon.Builder b = DhtBeacon.builder().network(s.mode()).bind(s.bind())
        .bootstrap(s.bootstrap()).routers(s.routers()).listener(metrics.beaconListener());
    if (s.bootFile() != null) {
      b.bootFile(s.bootFile());
    }
    if (s.dataDir() != null) {
      b.dataDir(s.dataDir());
    }
    DhtBeacon beacon;
    try {
      beacon = b.build();
    } catch (UncheckedIOException e) {
      metrics.close();
      throw new StartException(e.getCause().getMessage());
    }
    metrics.bindNode(beacon.node());
    try {
      beacon.start().get();
    } catch (ExecutionException e) {
      beacon.close();
      metrics.close();
      throw new StartException(e.getCause().getMessage());
    }
    StatusReport status = new StatusReport(s, metrics, publish, clock);
    HttpApi http = null;
    if (s.http() != null) {
      try {
        http = HttpApi.start(s.http(), beacon, metrics, status, RESOLVE_TIMEOUT_MILLIS);
      } catch (IOException e) {
        String why = "cannot bind HTTP " + Endpoints.format(s.http()) + ": " + e.getMessage();
        if (s.httpRequired()) {
          beacon.close();
          metrics.close();
          throw new StartException(why);
        }
        LOG.warn("{}; running without HTTP endpoints (set --http to choose an address)", why);
      }
    }
    BeaconService service = new BeaconService(s, beacon, metrics, status, http);
    LOG.info("serving on {} ({} mode), .boot {}, HTTP {}",
        Endpoints.format(beacon.node().address()), s.mode(), s.bootFile(),
        http == null ? "off" : "http://" + Endpoints.format(http.address()));
    if (s.keys() != null) {
      LOG.info("publishing under {} every {} s", s.keys().publicKey(),
          s.interval().toSeconds());
      beacon.startPublishing(s.keys(), service::addressToPublish, s.interval());
    }
    return service;
  }

  /**
   * Logs a status line every {@code statusEvery} until {@code signals} asks for a stop, then
   * returns (the caller closes).
   */
  public void runUntil(ShutdownSignals signals) throws InterruptedException {
    while (!signals.await(settings.statusEvery())) {
      NodeStatus s = metrics.nodeStatus();
      if (s != null) {
        LOG.info(s.line());
      }
    }
  }

  /** Where the HTTP endpoints listen, or null when they are off. */
  public InetSocketAddress httpAddress() {
    return http == null ? null : http.address();
  }

  public DhtBeacon beacon() {
    return beacon;
  }

  /** The service's meters (Prometheus text via {@link ServiceMetrics#scrape()}). */
  public ServiceMetrics metrics() {
    return metrics;
  }

  /** Reports a crawl's progress in {@code /status} and {@code /metrics} from now on. */
  public void attachCrawl(CrawlStatusSource source) {
    metrics.bindCrawl(source);
    status.crawl(source);
  }

  /** Stops HTTP, publishing, the node (saving {@code .boot}) and MapDB; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long started = System.nanoTime();
    if (http != null) {
      http.close();
    }
    beacon.close();
    metrics.close();
    LOG.info("stopped in {} ms: publishing stopped, {} saved, {}",
        (System.nanoTime() - started) / 1_000_000,
        settings.bootFile() == null ? "no .boot" : settings.bootFile(),
        settings.dataDir() == null ? "no database" : "database closed");
  }

  /** {@code --address}, else the BEP 42 majority IP with the service port. */
  private List<InetSocketAddress> addressToPublish() {
    if (settings.fixedAddress() != null) {
      return List.of(settings.fixedAddress());
    }
    NodeStatus s = beacon.node().status().join();
    if (s.external() == null) {
      throw new IllegalStateException("external address not known yet (no BEP 42 votes); "
          + "use --address");
    }
    return List.of(new InetSocketAddress(s.external().getAddress(), settings.servicePort()));
  }
}
