package dev.dhtbeacon.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.Hex;
import dev.dhtbeacon.cli.Main;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.registry.AddressRecord;
import dev.dhtbeacon.registry.DhtBeacon;
import dev.dhtbeacon.registry.KeyPair;
import dev.dhtbeacon.registry.MutableItem;
import dev.dhtbeacon.registry.PublicKey;
import dev.dhtbeacon.registry.PublishResult;
import dev.dhtbeacon.registry.ResolveResult;
import dev.dhtbeacon.routing.Endpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interop with a DHT client we did not write: webtorrent's {@code bittorrent-dht} (npm, run by
 * {@code src/test/js/peer.mjs} in a child {@code node} process) joins a 60-node loopback
 * testnet. A record we publish is read by its {@code get} and verified by its own verify
 * function; records it {@code put}s (plain text and our dictionary form) resolve with our
 * library and with the {@code dhtbeacon resolve} CLI.
 *
 * <p>Addresses: testnet 127.0.60.1–60 port 24000, the JS nodes 127.0.61.1–5 port 24100, our
 * beacons 127.0.62.x port 24200. Needs {@code node} and {@code bash src/test/js/install.sh}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BittorrentDhtInteropTest {
  private static final int JS_NODES = 5;
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  private static final SecureRandom RANDOM = new SecureRandom();

  private static Testnet net;
  private static JsPeers js;
  private static List<byte[]> jsIds;
  /** Why the tests cannot run here, or null. */
  private static String skipReason;

  @BeforeAll
  static void start() throws IOException, InterruptedException {
    if (JsPeers.nodeExecutable() == null) {
      skipReason = "interop with bittorrent-dht skipped: no 'node' executable on PATH";
    } else if (!JsPeers.installed()) {
      skipReason = "interop with bittorrent-dht skipped: " + JsPeers.DIR + "/node_modules is "
          + "missing; run 'bash src/test/js/install.sh' (needs the npm registry)";
    }
    if (skipReason != null) {
      // Each test reports it as its skip reason (an assumption failing here would hide it).
      System.err.println(skipReason);
      return;
    }
    long t0 = System.nanoTime();
    net = Testnet.start(Testnet.Options.of(60).withBase(Testnet.loopback(127, 0, 60, 1), 24000));
    List<InetSocketAddress> bind = new ArrayList<>();
    for (int i = 1; i <= JS_NODES; i++) {
      bind.add(new InetSocketAddress(Testnet.loopback(127, 0, 61, i), 24100));
    }
    List<InetSocketAddress> seeds = List.of(net.nodes().get(0).address(),
        net.nodes().get(17).address(), net.nodes().get(41).address());
    try {
      js = JsPeers.start(bind, seeds, Duration.ofSeconds(20));
    } catch (IOException | RuntimeException | InterruptedException e) {
      net.close();
      net = null;
      throw e;
    }
    jsIds = new ArrayList<>();
    for (Object n : (List<?>) js.ready().get("nodes")) {
      jsIds.add(Hex.decode((String) ((Map<?, ?>) n).get("id")));
    }
    System.out.printf("testnet + %d bittorrent-dht nodes up in %d ms; JS routing tables: %s%n",
        JS_NODES, (System.nanoTime() - t0) / 1_000_000, known(js.ready()));
  }

  @BeforeEach
  void requireNode() {
    assumeTrue(skipReason == null, skipReason);
  }

  @AfterAll
  static void stop() throws IOException, InterruptedException {
    try {
      if (js != null) {
        Map<String, Object> stats = js.command("stats", COMMAND_TIMEOUT);
        System.out.println("JS routing tables at the end: " + known(stats) + ", items held: "
            + items(stats));
        assertEquals(0L, stats.get("refusedSends"), "peer.mjs tried to send off loopback");
      }
    } finally {
      if (js != null) {
        js.close();
      }
      if (net != null) {
        net.close();
      }
    }
  }

  /**
   * We publish; bittorrent-dht's {@code get} finds the item, its verify accepts our signature,
   * and it reads back our value, seq and key. The key is ground so that its target shares its
   * first byte with a JS node's id, so a JS node is among the storing nodes: then our second
   * (refresh) publish meets bittorrent-dht's 302 for an equal seq, which must count as a copy.
   */
  @Test
  void ourRecordIsReadByBittorrentDhtGet() throws Exception {
    KeyPair keys = keyNear(jsIds.get(0));
    String target = Hex.encode(sha1(keys.publicKey().bytes()));
    InetSocketAddress service = Endpoints.parse("127.0.0.9:6882");
    try (DhtBeacon beacon = beacon(1)) {
      PublishResult p = beacon.publish(keys, List.of(service)).join();
      System.out.println("we published seq " + p.seq() + ": " + p.copies() + " copies of "
          + p.attempted() + " puts, errors " + p.errors() + ", timeouts " + p.timeouts());
      assertTrue(p.copies() >= 8, "copies " + p.copies());

      Map<String, Object> got = js.command("get " + target + " 1", COMMAND_TIMEOUT);
      System.out.println("bittorrent-dht get: " + got);
      assertEquals(true, got.get("ok"), "get failed: " + got);
      assertEquals(true, got.get("found"), "bittorrent-dht did not find our item: " + got);
      assertTrue(((Long) got.get("verifiedResponses")) >= 1, "its verify accepted none: " + got);
      assertEquals(0L, got.get("rejectedResponses"), "its verify rejected our item: " + got);
      assertEquals(p.seq(), got.get("seq"));
      assertEquals(keys.publicKey().hex(), got.get("k"));
      byte[] v = Hex.decode((String) got.get("v"));
      MutableItem item = MutableItem.of(keys.publicKey(), null, p.seq(),
          new BDecoder().decode(v), Hex.decode((String) got.get("sig")));
      assertTrue(item.verify(), "the item bittorrent-dht returned is not the one we signed");
      assertEquals(List.of(service), AddressRecord.decode(item.v()).addresses());

      long holders = holding(js.command("stats", COMMAND_TIMEOUT), target);
      System.out.println("JS nodes holding our item after the first publish: " + holders);
      assertTrue(holders >= 1, "no bittorrent-dht node accepted our put (our key was chosen so "
          + "that JS node " + Hex.encode(jsIds.get(0)) + " is among the closest)");

      // A JS node holds seq already, so it answers this refresh with 302 (bittorrent-dht
      // stores only a strictly higher seq): that must count as a copy, not as an error.
      PublishResult again = beacon.publish(keys, List.of(service)).join();
      System.out.println("refresh with the same seq: " + again.copies() + " copies of "
          + again.attempted() + " puts, errors " + again.errors() + ", timeouts "
          + again.timeouts());
      assertEquals(p.seq(), again.seq());
      assertFalse(again.errors().containsKey(302),
          "bittorrent-dht's 302 on an equal-seq refresh was counted as a failure: "
              + again.errors());
      assertTrue(again.copies() >= 8, "copies " + again.copies());
    }
  }

  /** bittorrent-dht puts plain text {@code IP:port}; we resolve it, and then an update. */
  @Test
  void textRecordPutByBittorrentDhtResolves() throws Exception {
    byte[] seed = seed();
    PublicKey key = KeyPair.fromSeed(seed).publicKey();
    long seq = System.currentTimeMillis() * 1000;
    Map<String, Object> put = jsPut(seed, seq, "text:127.0.0.9:6882", 2);
    assertEquals(key.hex(), put.get("k"), "bittorrent-dht derived another public key");
    assertEquals(Hex.encode(sha1(key.bytes())), put.get("target"));
    try (DhtBeacon beacon = beacon(2)) {
      ResolveResult r = beacon.resolve(key).join();
      System.out.println("we resolved text record: " + r);
      assertTrue(r.found(), "not found: " + r);
      assertEquals(List.of("127.0.0.9:6882"), r.addresses());
      assertEquals(seq, r.seq());
      assertEquals(0, r.invalidItems());

      jsPut(seed, seq + 1, "text:127.0.0.11:7001,127.0.0.12:7002", 3);
      ResolveResult updated = beacon.resolve(key).join();
      System.out.println("we resolved the update: " + updated);
      assertEquals(List.of("127.0.0.11:7001", "127.0.0.12:7002"), updated.addresses());
      assertEquals(seq + 1, updated.seq());
    }
  }

  /** bittorrent-dht puts our dictionary form {a: [compact], t}; we resolve it. */
  @Test
  void dictionaryRecordPutByBittorrentDhtResolves() throws Exception {
    byte[] seed = seed();
    PublicKey key = KeyPair.fromSeed(seed).publicKey();
    long seq = System.currentTimeMillis() * 1000;
    long t = System.currentTimeMillis() / 1000;
    jsPut(seed, seq, "record:127.0.0.10:7000@" + t, 4);
    try (DhtBeacon beacon = beacon(3)) {
      ResolveResult r = beacon.resolve(key).join();
      System.out.println("we resolved dictionary record: " + r);
      assertTrue(r.found(), "not found: " + r);
      assertEquals(List.of("127.0.0.10:7000"), r.addresses());
      assertEquals(t, r.record().publishedSeconds());
      assertEquals(seq, r.seq());
      assertEquals(0, r.invalidItems());
    }
  }

  /** The same, resolved by {@code dhtbeacon resolve} as a real process. */
  @Test
  void cliResolvesRecordPutByBittorrentDht() throws Exception {
    assumeTrue(Main.commandLine().getSubcommands().containsKey("resolve"),
        "the 'dhtbeacon resolve' command does not exist yet (dev.dhtbeacon.cli.Main has no "
            + "'resolve' subcommand)");
    byte[] seed = seed();
    PublicKey key = KeyPair.fromSeed(seed).publicKey();
    long seq = System.currentTimeMillis() * 1000;
    jsPut(seed, seq, "text:127.0.0.13:6882", 0);
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "resolve", key.hex(),
        "--network", "loopback", "--bootstrap", Endpoints.format(net.entryPoint()),
        "--bind", "127.0.62.9", "--timeout", "15s", "--json");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
    pb.environment().put("DHTBEACON_NETWORK", "loopback");
    Process process = pb.start();
    try {
      CompletableFuture<String> stdout = readAll(process.getInputStream());
      CompletableFuture<String> stderr = readAll(process.getErrorStream());
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "dhtbeacon resolve did not exit");
      String out = stdout.get(5, TimeUnit.SECONDS).strip();
      System.out.println("dhtbeacon resolve --json: " + out);
      assertEquals(0, process.exitValue(), "exit code; stderr: " + stderr.get(5,
          TimeUnit.SECONDS));
      Map<String, Object> json = MiniJson.object(out);
      assertEquals(List.of("127.0.0.13:6882"), json.get("addresses"));
    } finally {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static Map<String, Object> jsPut(byte[] seed, long seq, String value, int node)
      throws IOException, InterruptedException {
    Map<String, Object> put = js.command("put " + Hex.encode(seed) + " " + seq + " " + value
        + " " + node, COMMAND_TIMEOUT);
    System.out.println("bittorrent-dht put " + value + ": stored by " + put.get("stored")
        + " nodes, " + put.get("jsNodesHolding") + " of " + JS_NODES + " JS nodes hold it; "
        + put);
    assertEquals(true, put.get("ok"), "put failed: " + put);
    assertTrue((Long) put.get("stored") >= 8, "stored by too few nodes: " + put);
    return put;
  }

  private static DhtBeacon beacon(int host) {
    return DhtBeacon.builder().network(NetworkMode.LOOPBACK)
        .bind(new InetSocketAddress(Testnet.loopback(127, 0, 62, host), 24200))
        .bootstrap(List.of(net.entryPoint())).cacheTtl(Duration.ZERO).build().start().join();
  }

  /** A key whose target's first byte equals {@code id}'s: that node is among the closest. */
  private static KeyPair keyNear(byte[] id) {
    for (int i = 0; i < 100_000; i++) {
      KeyPair keys = KeyPair.generate();
      if (sha1(keys.publicKey().bytes())[0] == id[0]) {
        return keys;
      }
    }
    throw new AssertionError("no key near " + Hex.encode(id) + " in 100000 tries");
  }

  private static byte[] seed() {
    byte[] seed = new byte[32];
    RANDOM.nextBytes(seed);
    return seed;
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static List<Object> known(Map<String, Object> stats) {
    return ((List<?>) stats.get("nodes")).stream().map(n -> ((Map<?, ?>) n).get("known"))
        .map(Object.class::cast).toList();
  }

  private static List<Object> items(Map<String, Object> stats) {
    return ((List<?>) stats.get("nodes")).stream().map(n -> ((Map<?, ?>) n).get("items"))
        .map(Object.class::cast).toList();
  }

  /** How many JS nodes hold an item for {@code target} (from the stats' item lists). */
  private static long holding(Map<String, Object> stats, String target) {
    return ((List<?>) stats.get("nodes")).stream()
        .filter(n -> ((List<?>) ((Map<?, ?>) n).get("targets")).contains(target)).count();
  }

  private static CompletableFuture<String> readAll(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(in, StandardCharsets.UTF_8))) {
        StringBuilder b = new StringBuilder();
        for (String line; (line = r.readLine()) != null; ) {
          b.append(line).append('\n');
        }
        return b.toString();
      } catch (IOException e) {
        return "";
      }
    });
  }
}
