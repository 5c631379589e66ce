package dev.dhtbeacon.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dhtbeacon.registry.DhtBeacon;
import dev.dhtbeacon.registry.PublicKey;
import dev.dhtbeacon.registry.ResolveResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's HTTP endpoints, all {@code GET}:
 * <ul>
 *   <li>{@code /metrics}: Prometheus text format;
 *   <li>{@code /status}: JSON, see {@link StatusReport};
 *   <li>{@code /resolve/KEY}: JSON exactly as {@code resolve --json} prints it; 200 found, 404
 *       not found, 400 bad key, 504 timed out, 503 the node failed;
 *   <li>{@code /item/KEY}: the signed BEP 44 item, see {@link ResolveJson#item}; 404 when no
 *       verified item exists, 400 bad key.
 * </ul>
 * Unknown paths give 404 and other methods 405, each with a JSON {@code {"error": "..."}}.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}: four small read-only endpoints for an
 * operator or a scraper on the same host need neither a framework nor a new dependency, and
 * Netty (already here for UDP) would cost a codec pipeline for no measured gain; the
 * throughput it reaches is in BENCHMARKS.md. Requests run on a small fixed pool, so a slow
 * DHT resolve cannot take unbounded threads.
 */
final class HttpApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final int THREADS = 4;
  private static final String NODELAY = "sun.net.httpserver.nodelay";

  private final HttpServer server;
  private final ExecutorService pool;
  private final DhtBeacon beacon;
  private final ServiceMetrics metrics;
  private final Supplier<Map<String, Object>> status;
  private final long resolveTimeoutMillis;

  private HttpApi(HttpServer server, ExecutorService pool, DhtBeacon beacon,
      ServiceMetrics metrics, Supplier<Map<String, Object>> status, long resolveTimeoutMillis) {
    this.server = server;
    this.pool = pool;
    this.beacon = beacon;
    this.metrics = metrics;
    this.status = status;
    this.resolveTimeoutMillis = resolveTimeoutMillis;
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException if the address cannot be bound
   */
  static HttpApi start(InetSocketAddress address, DhtBeacon beacon, ServiceMetrics metrics,
      Supplier<Map<String, Object>> status, long resolveTimeoutMillis) throws IOException {
    // The JDK server writes headers and body separately; with Nagle on, the body waits for
    // the client's delayed ACK: 40 ms per keep-alive request. Read once, at first use.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
    HttpServer server = HttpServer.create(address, 128);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "dhtbeacon-http");
      t.setDaemon(true);
      return t;
    });
    HttpApi api = new HttpApi(server, pool, beacon, metrics, status, resolveTimeoutMillis);
    server.createContext("/", api::handle);
    server.setExecutor(pool);
    server.start();
    return api;
  }

  /** The bound address (the real port when 0 was asked for). */
  InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String route = route(path);
      if (route == null) {
        error(exchange, 404, "no such endpoint: " + path
            + " (endpoints: /status, /metrics, /resolve/KEY, /item/KEY)");
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        error(exchange, 405, "method " + exchange.getRequestMethod() + " not allowed on "
            + route + "; use GET");
        return;
      }
      switch (route) {
        case "/metrics" -> send(exchange, 200, PROMETHEUS, metrics.scrape());
        case "/status" -> json(exchange, 200, status.get());
        default -> keyed(exchange, route, path.substring(route.length()));
      }
    } catch (RuntimeException e) {
      // A bug, not a client's fault: one line, and the client gets a 500 if nothing was sent.
      LOG.warn("HTTP {} failed: {}", exchange.getRequestURI(), e.toString());
      try {
        error(exchange, 500, "internal error: " + e.getMessage());
      } catch (IOException | RuntimeException ignored) {
        // Headers were already sent; the exchange closes.
      }
    }
  }

  private static String route(String path) {
    if (path.equals("/metrics") || path.equals("/status")) {
      return path;
    }
    if (path.startsWith("/resolve/")) {
      return "/resolve/";
    }
    return path.startsWith("/item/") ? "/item/" : null;
  }

  private void keyed(HttpExchange exchange, String route, String rawKey) throws IOException {
    PublicKey key;
    try {
      String text;
      try {
        text = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad public key '" + rawKey + "': broken "
            + "percent-encoding");
      }
      key = PublicKey.parse(text);
    } catch (IllegalArgumentException e) {
      error(exchange, 400, e.getMessage());
      return;
    }
    long started = System.nanoTime();
    ResolveResult r;
    try {
      r = beacon.resolve(key).get(resolveTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      error(exchange, 504, "resolve of " + key.hex() + " timed out after "
          + resolveTimeoutMillis + " ms");
      return;
    } catch (ExecutionException e) {
      error(exchange, 503, "resolve of " + key.hex() + " failed: " + e.getCause().getMessage());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(exchange, 503, "interrupted");
      return;
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    if (route.equals("/resolve/")) {
      json(exchange, r.found() ? 200 : 404, ResolveJson.resolve(r, ms));
    } else if (r.item() == null) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", "no verified item found for " + key.hex());
      body.put("key", key.hex());
      body.put("nodes_queried", r.nodesQueried());
      body.put("invalid_items", r.invalidItems());
      json(exchange, 404, body);
    } else {
      json(exchange, 200, ResolveJson.item(r.item()));
    }
  }

  private static void error(HttpExchange exchange, int code, String message) throws IOException {
    json(exchange, code, Map.of("error", message));
  }

  private static void json(HttpExchange exchange, int code, Object body) throws IOException {
    send(exchange, code, JSON, Json.write(body) + "\n");
  }

  private static void send(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops accepting, lets exchanges in progress finish for up to a second. */
  @Override
  public void close() {
    server.stop(0);
    pool.shutdown();
    try {
      pool.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
