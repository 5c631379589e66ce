package dev.dhtbeacon.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.Hex;
import dev.dhtbeacon.crypto.Ed25519;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.registry.AddressRecord;
import dev.dhtbeacon.registry.KeyFile;
import dev.dhtbeacon.registry.KeyPair;
import dev.dhtbeacon.registry.PublicKey;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.service.JsonReader;
import dev.dhtbeacon.service.PrometheusText;
import dev.dhtbeacon.storage.Bep44;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every HTTP endpoint of a real {@code serve} process, over a real socket, with the process
 * publishing on a 40-node in-test testnet (127.0.200.x): {@code /status}, {@code /resolve},
 * {@code /item} (with 400 and 404), {@code /metrics} parsed as Prometheus text with packet
 * counters that follow queries we send the node, unknown paths and methods, and
 * {@code resolve --via} against a direct resolve.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ServeHttpTest {
  private static final String HTTP = "127.0.201.1:31200";
  private static final String BASE = "http://" + HTTP;
  private static final String SERVE_DHT = "127.0.201.1:31100";
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final String ROUTING_NODES = "dhtbeacon_routing_table_nodes";
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  static Path dir;

  private static Testnet net;
  private static String entry;
  private static CliProcess serve;
  private static PublicKey key;

  @BeforeAll
  static void startTestnetAndServe() throws Exception {
    net = Testnet.start(Testnet.Options.of(40)
        .withBase(Testnet.loopback(127, 0, 200, 1), 31001));
    entry = Endpoints.format(net.entryPoint());
    KeyPair keys = KeyPair.generate();
    key = keys.publicKey();
    Path keyFile = dir.resolve("server.key");
    KeyFile.write(keyFile, keys);
    serve = CliProcess.start("serve", "--network", "loopback", "--bind", "127.0.201.1",
        "--dht-port", "31100", "--bootstrap", entry, "--key", keyFile.toString(),
        "--address", "127.0.0.9:6882", "--interval", "2s", "--http", HTTP,
        "--data", dir.resolve("data").toString(), "--boot", dir.resolve("serve.boot").toString());
    assertNotNull(serve.awaitStderr(l -> l.contains("published " + key.hex()),
        Duration.ofSeconds(60)), serve.transcript());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (serve != null) {
        assertEquals(0, serve.terminate(Duration.ofSeconds(10)), serve.transcript());
      }
    } finally {
      if (serve != null) {
        serve.close();
      }
      if (net != null) {
        net.close();
      }
    }
  }

  @Test
  void statusShowsNodeRoutingAndPublishState() throws Exception {
    HttpResponse<String> r = get("/status");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type")
        .orElse(null));
    Map<String, Object> s = json(r);
    assertTrue(((String) s.get("node_id")).matches("[0-9a-f]{40}"), r.body());
    assertEquals("loopback", s.get("network"));
    assertEquals(SERVE_DHT, s.get("dht_address"));
    assertTrue((Long) s.get("uptime_seconds") >= 0);
    Map<String, Object> external = map(s.get("external"));
    assertEquals("127.0.0.9", external.get("ip"));
    assertEquals("flag", external.get("source"));
    assertTrue((Long) external.get("voters") >= (Long) external.get("votes"));
    Map<String, Object> routing = map(s.get("routing"));
    long nodes = (Long) routing.get("nodes");
    assertTrue(nodes > 8, r.body());
    List<?> fill = (List<?>) routing.get("bucket_fill");
    assertEquals(routing.get("buckets"), (long) fill.size());
    assertEquals(nodes, fill.stream().mapToLong(o -> (Long) o).sum(), r.body());
    Map<String, Object> publish = map(s.get("publish"));
    assertEquals(key.hex(), publish.get("key"));
    assertTrue((Long) publish.get("copies") >= 8, r.body());
    assertTrue((Long) publish.get("last_seq") > 0);
    assertNotNull(publish.get("last_publish"));
    assertEquals(0L, publish.get("failures"));
    assertTrue(s.containsKey("crawl"));
    assertNull(s.get("crawl"), "no crawler attached");
  }

  @Test
  void resolveAndItemServeTheSignedRecord() throws Exception {
    HttpResponse<String> r = get("/resolve/" + key.hex());
    assertEquals(200, r.statusCode(), r.body());
    Map<String, Object> resolved = json(r);
    assertEquals(List.of("key", "found", "seq", "addresses", "published", "nodes_queried",
        "invalid_items", "ms"), List.copyOf(resolved.keySet()), "the resolve --json shape");
    assertEquals(key.hex(), resolved.get("key"));
    assertEquals(true, resolved.get("found"));
    assertEquals(List.of("127.0.0.9:6882"), resolved.get("addresses"));
    assertEquals(200, get("/resolve/pk:" + key.zbase32()).statusCode(), "z-base32 with pk:");
    assertEquals(200, get("/item/pk%3A" + key.zbase32()).statusCode(), "percent-encoded");

    HttpResponse<String> i = get("/item/" + key.hex());
    assertEquals(200, i.statusCode(), i.body());
    Map<String, Object> item = json(i);
    byte[] k = Hex.decode((String) item.get("k"));
    byte[] v = Hex.decode((String) item.get("v"));
    byte[] sig = Hex.decode((String) item.get("sig"));
    long seq = (Long) item.get("seq");
    assertArrayEquals(key.bytes(), k);
    assertNull(item.get("salt"));
    assertTrue(seq >= (Long) resolved.get("seq"));
    // What a client without a DHT stack does: rebuild the signed buffer and verify.
    byte[] signed = Bep44.signedBuffer(null, seq, v);
    assertArrayEquals(signed, Hex.decode((String) item.get("signed")));
    assertTrue(Ed25519.verify(k, signed, sig), "signature over k, seq, v");
    assertEquals(Bep44.mutableTarget(k, null).hex(), item.get("target"));
    AddressRecord record = AddressRecord.decode(new BDecoder().decode(v));
    assertEquals(List.of("127.0.0.9:6882"), record.formatted());
    assertEquals(Map.of("addresses", List.of("127.0.0.9:6882"), "published",
        record.publishedSeconds()), item.get("record"));

    String nobody = KeyPair.generate().publicKey().hex();
    HttpResponse<String> missing = get("/resolve/" + nobody);
    assertEquals(404, missing.statusCode(), missing.body());
    assertEquals(false, json(missing).get("found"));
    assertNull(json(missing).get("seq"));
    HttpResponse<String> noItem = get("/item/" + nobody);
    assertEquals(404, noItem.statusCode(), noItem.body());
    assertTrue(json(noItem).get("error").toString().contains(nobody));

    for (String bad : List.of("xyz", "00", "pk:" + "z".repeat(51), "%21")) {
      for (String endpoint : List.of("/resolve/", "/item/")) {
        HttpResponse<String> b = get(endpoint + bad);
        assertEquals(400, b.statusCode(), endpoint + bad + ": " + b.body());
        String error = json(b).get("error").toString();
        assertTrue(error.contains("64 hex") || error.contains("bad public key")
            || error.contains("z-base32"), error);
      }
    }
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    for (String path : List.of("/", "/nope", "/status/x", "/metrics.txt", "/resolve",
        "/item")) {
      HttpResponse<String> r = get(path);
      assertEquals(404, r.statusCode(), path + ": " + r.body());
      assertTrue(json(r).get("error").toString().contains("no such endpoint"), r.body());
    }
    for (String method : List.of("POST", "PUT", "DELETE")) {
      for (String path : List.of("/metrics", "/status", "/resolve/" + key.hex(),
          "/item/" + key.hex())) {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(BASE + path))
                .method(method, HttpRequest.BodyPublishers.ofString("x")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode(), method + " " + path);
        assertEquals("GET", r.headers().firstValue("Allow").orElse(null));
      }
    }
  }

  @Test
  void metricsParseAndPacketCountersFollowOurQueries() throws Exception {
    HttpResponse<String> first = get("/metrics");
    assertEquals(200, first.statusCode());
    assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    PrometheusText before = PrometheusText.parse(first.body());
    assertTrue(before.value("dhtbeacon_publish_total", "outcome", "stored") >= 1);
    assertTrue(before.value(ROUTING_NODES, "family", "ipv4") > 8, first.body());
    assertTrue(before.value("dhtbeacon_lookup_duration_seconds_count", "kind", "get") >= 1);
    assertEquals(0, before.value("dhtbeacon_krpc_egress_refused_total"));
    assertTrue(before.sum("jvm_memory_used_bytes", "area", "heap") > 0);

    DhtNode asker = DhtNode.builder().network(NetworkMode.LOOPBACK)
        .bind(Endpoints.parse("127.0.201.2:31101")).build();
    int pings = 12;
    try {
      asker.start().get(10, TimeUnit.SECONDS);
      for (int i = 0; i < pings; i++) {
        asker.ping(Endpoints.parse(SERVE_DHT)).get(5, TimeUnit.SECONDS);
      }
      asker.findNode(NodeId.random(new java.util.Random(1))).get(10, TimeUnit.SECONDS);
    } finally {
      asker.close();
    }
    PrometheusText after = PrometheusText.parse(get("/metrics").body());
    String[] pingIn = {"direction", "in", "type", "query", "method", "ping"};
    String[] pongOut = {"direction", "out", "type", "response", "method", "ping"};
    String[] findIn = {"direction", "in", "type", "query", "method", "find_node"};
    double pingDelta = after.value("dhtbeacon_krpc_packets_total", pingIn)
        - before.value("dhtbeacon_krpc_packets_total", pingIn);
    assertTrue(pingDelta >= pings, "ping queries in went up by " + pingDelta);
    assertTrue(after.value("dhtbeacon_krpc_packets_total", pongOut)
        - before.value("dhtbeacon_krpc_packets_total", pongOut) >= pings);
    assertTrue(after.value("dhtbeacon_krpc_packets_total", findIn)
        > before.value("dhtbeacon_krpc_packets_total", findIn), "find_node in");
    assertTrue(after.value("dhtbeacon_krpc_traffic_bytes_total", "direction", "in")
        > before.value("dhtbeacon_krpc_traffic_bytes_total", "direction", "in"));
  }

  @Test
  void resolveViaGivesTheSameAnswerAsADirectResolve() throws Exception {
    CliProcess.Result direct = CliProcess.run(RUN, "resolve", key.hex(), "--network",
        "loopback", "--bind", "127.0.201.3", "--bootstrap", entry, "--json");
    CliProcess.Result via = CliProcess.run(RUN, "resolve", key.hex(), "--network", "loopback",
        "--via", BASE, "--json");
    assertEquals(0, direct.exitCode(), direct.stderr());
    assertEquals(0, via.exitCode(), via.stderr());
    Map<String, Object> d = parse(direct.stdout());
    Map<String, Object> v = parse(via.stdout());
    assertEquals(d.keySet(), v.keySet());
    for (String field : List.of("key", "found", "seq", "addresses", "published")) {
      assertEquals(d.get(field), v.get(field), field);
    }

    CliProcess.Result text = CliProcess.run(RUN, "resolve", "pk:" + key.zbase32(),
        "--network", "loopback", "--via", BASE);
    assertEquals(0, text.exitCode(), text.stderr());
    assertEquals("127.0.0.9:6882", text.stdout());

    String nobody = KeyPair.generate().publicKey().hex();
    CliProcess.Result directMissing = CliProcess.run(RUN, "resolve", nobody, "--network",
        "loopback", "--bind", "127.0.201.3", "--bootstrap", entry);
    CliProcess.Result viaMissing = CliProcess.run(RUN, "resolve", nobody, "--network",
        "loopback", "--via", BASE);
    assertEquals(1, directMissing.exitCode(), directMissing.stderr());
    assertEquals(1, viaMissing.exitCode(), viaMissing.stderr());
    assertEquals("", viaMissing.stdout());
    assertTrue(viaMissing.stderr().startsWith("not found: no valid record for " + nobody),
        viaMissing.stderr());

    CliProcess.Result bad = CliProcess.run(RUN, "resolve", "xyz", "--via", BASE);
    assertEquals(2, bad.exitCode(), bad.stderr());
    CliProcess.Result outside = CliProcess.run(RUN, "resolve", key.hex(), "--network",
        "loopback", "--via", "http://192.0.2.1:31200");
    assertEquals(2, outside.exitCode(), "loopback mode refuses a non-loopback service");
    assertTrue(outside.stderr().contains("loopback mode"), outside.stderr());
    CliProcess.Result down = CliProcess.run(RUN, "resolve", key.hex(), "--network",
        "loopback", "--via", "http://127.0.201.1:31299", "--timeout", "3s");
    assertEquals(3, down.exitCode(), down.stderr());
    assertTrue(down.stderr().contains("cannot reach"), down.stderr());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(BASE + path))
            .timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Object> json(HttpResponse<String> r) {
    return parse(r.body());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String text) {
    return (Map<String, Object>) JsonReader.parse(text);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }
}
