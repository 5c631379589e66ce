package dev.dhtbeacon.service;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.registry.PublicKey;
import dev.dhtbeacon.routing.Endpoints;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Asks a running {@code serve} for {@code /resolve/KEY}: what {@code resolve --via} uses
 * instead of bootstrapping a node of its own. In loopback mode the service must be on a
 * loopback address (an IP literal in 127.0.0.0/8, ::1, or {@code localhost}), like every
 * other destination in that mode.
 */
public final class ResolveClient {
  private final URI base;
  private final HttpClient client;

  private ResolveClient(URI base, Duration timeout) {
    this.base = base;
    this.client = HttpClient.newBuilder().connectTimeout(timeout)
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  /** The service's answer: its HTTP status and JSON body. */
  public record Answer(int status, Map<String, Object> body) {
    /** The {@code error} message of a 4xx/5xx answer, or a generic one. */
    public String error() {
      Object e = body.get("error");
      return e != null ? e.toString() : "HTTP " + status;
    }
  }

  /**
   * @param url {@code http://host:port}, optionally with a path prefix
   * @throws IllegalArgumentException if the URL is not http, has no host, or (loopback mode)
   *     names a host outside loopback
   */
  public static ResolveClient of(String url, NetworkMode mode, Duration timeout) {
    URI uri;
    try {
      uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--via " + url + ": " + e.getMessage());
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--via " + url + ": expected http://host:port");
    }
    if (mode == NetworkMode.LOOPBACK && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException("--via " + url + ": loopback mode allows only "
          + "127.0.0.0/8, ::1 or localhost");
    }
    return new ResolveClient(uri, timeout);
  }

  private static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    return Endpoints.isLiteral(h) && Endpoints.parseLiteral(h).isLoopbackAddress();
  }

  /**
   * GETs {@code /resolve/KEY}.
   *
   * @throws IOException if the service cannot be reached, times out, or answers something
   *     that is not JSON
   */
  public Answer resolve(PublicKey key, Duration timeout) throws IOException,
      InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/resolve/" + key.hex()))
        .timeout(timeout).header("Accept", "application/json").GET().build();
    HttpResponse<String> response = client.send(request,
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    Object body;
    try {
      body = JsonReader.parse(response.body());
    } catch (IllegalArgumentException e) {
      throw new IOException("HTTP " + response.statusCode() + " from " + base
          + " is not JSON: " + e.getMessage());
    }
    if (!(body instanceof Map<?, ?> map)) {
      throw new IOException("HTTP " + response.statusCode() + " from " + base
          + ": expected a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) map;
    return new Answer(response.statusCode(), m);
  }
}
