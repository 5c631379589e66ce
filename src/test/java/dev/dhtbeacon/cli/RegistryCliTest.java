package dev.dhtbeacon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.registry.KeyFile;
import dev.dhtbeacon.registry.KeyPair;
import dev.dhtbeacon.routing.Endpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keygen}, {@code publish} and {@code resolve} as real processes against a 60-node
 * in-test testnet on 127.0.100.x: output formats, key file mode, and every exit code.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RegistryCliTest {
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Pattern HEX_KEY = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern ZBASE32_KEY =
      Pattern.compile("pk:[ybndrfg8ejkmcpqxot1uwisza345h769]{52}");
  private static Testnet net;
  private static String entry;

  @TempDir
  Path dir;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(60)
        .withBase(Testnet.loopback(127, 0, 100, 1), 27001));
    entry = Endpoints.format(net.entryPoint());
    assertEquals("127.0.100.1:27001", entry);
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void keygenPublishResolve() throws Exception {
    Path key = dir.resolve("server.key");
    CliProcess.Result keygen = CliProcess.run(RUN, "keygen", "--out", key.toString());
    assertEquals(0, keygen.exitCode(), keygen.stderr());
    List<String> lines = keygen.stdout().lines().toList();
    assertEquals(2, lines.size(), keygen.stdout());
    String hex = lines.get(0);
    String zbase32 = lines.get(1);
    assertTrue(HEX_KEY.matcher(hex).matches(), hex);
    assertTrue(ZBASE32_KEY.matcher(zbase32).matches(), zbase32);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertEquals(hex, KeyFile.read(key).publicKey().hex());
    assertEquals(zbase32, "pk:" + KeyFile.read(key).publicKey().zbase32());

    String before = Files.readString(key);
    CliProcess.Result again = CliProcess.run(RUN, "keygen", "--out", key.toString());
    assertEquals(2, again.exitCode(), again.stdout() + "\n" + again.stderr());
    assertTrue(again.stderr().contains("refusing to overwrite"), again.stderr());
    assertEquals("", again.stdout());
    assertEquals(before, Files.readString(key), "the existing key was replaced");

    CliProcess.Result publish = CliProcess.run(RUN, "publish", "--network", "loopback",
        "--bind", "127.0.104.1", "--key", key.toString(), "--address", "127.0.0.9:6882",
        "--bootstrap", entry, "--json");
    assertEquals(0, publish.exitCode(), publish.stdout() + "\n" + publish.stderr());
    String pubJson = onlyLine(publish.stdout());
    assertTrue(number(pubJson, "copies") >= 8, pubJson);
    assertEquals(hex, string(pubJson, "key"), pubJson);
    assertTrue(pubJson.contains("\"addresses\":[\"127.0.0.9:6882\"]"), pubJson);
    long seq = number(pubJson, "seq");

    CliProcess.Result resolve = CliProcess.run(RUN, "resolve", hex, "--network", "loopback",
        "--bind", "127.0.104.2", "--bootstrap", entry, "--json");
    assertEquals(0, resolve.exitCode(), resolve.stdout() + "\n" + resolve.stderr());
    String json = onlyLine(resolve.stdout());
    assertTrue(json.startsWith("{") && json.endsWith("}"), json);
    assertTrue(json.contains("\"found\":true"), json);
    assertEquals(hex, string(json, "key"), json);
    assertEquals(seq, number(json, "seq"), json);
    assertTrue(json.contains("\"addresses\":[\"127.0.0.9:6882\"]"), json);
    assertTrue(number(json, "nodes_queried") > 0, json);
    assertTrue(number(json, "ms") >= 0, json);

    CliProcess.Result text = CliProcess.run(RUN, "resolve", zbase32, "--network", "loopback",
        "--bind", "127.0.104.3", "--bootstrap", entry);
    assertEquals(0, text.exitCode(), text.stdout() + "\n" + text.stderr());
    assertEquals("127.0.0.9:6882", text.stdout().strip());
  }

  @Test
  void resolvingAnUnpublishedKeyExitsOne() throws Exception {
    String hex = KeyPair.generate().publicKey().hex();
    CliProcess.Result r = CliProcess.run(RUN, "resolve", hex, "--network", "loopback",
        "--bind", "127.0.104.4", "--bootstrap", entry);
    assertEquals(1, r.exitCode(), r.stdout() + "\n" + r.stderr());
    assertEquals("", r.stdout());
    assertTrue(r.stderr().contains("not found"), r.stderr());

    CliProcess.Result json = CliProcess.run(RUN, "resolve", "pk:" + KeyPair.generate()
        .publicKey().zbase32(), "--network", "loopback", "--bind", "127.0.104.5",
        "--bootstrap", entry, "--json");
    assertEquals(1, json.exitCode(), json.stdout() + "\n" + json.stderr());
    String line = onlyLine(json.stdout());
    assertTrue(line.contains("\"found\":false") && line.contains("\"addresses\":[]"), line);
  }

  @Test
  void aBadKeyExitsTwo() throws Exception {
    for (String bad : new String[] {"nothex", "pk:" + "0".repeat(52),
        "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da2"}) {
      CliProcess.Result r = CliProcess.run(RUN, "resolve", bad, "--network", "loopback",
          "--bind", "127.0.104.6", "--bootstrap", entry);
      assertEquals(2, r.exitCode(), bad + "\n" + r.stdout() + "\n" + r.stderr());
      assertTrue(r.stderr().contains("bad public key"), r.stderr());
    }
  }

  @Test
  void publishWithAKeyOthersCanReadExitsTwo() throws Exception {
    Path key = dir.resolve("open.key");
    KeyFile.write(key, KeyPair.generate());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    CliProcess.Result r = CliProcess.run(RUN, "publish", "--network", "loopback",
        "--bind", "127.0.104.7", "--key", key.toString(), "--address", "127.0.0.9:6882",
        "--bootstrap", entry, "--json");
    assertEquals(2, r.exitCode(), r.stdout() + "\n" + r.stderr());
    assertTrue(r.stderr().contains("chmod 600"), r.stderr());
    assertEquals("", r.stdout());
  }

  @Test
  void resolveWithNobodyListeningExitsThree() throws Exception {
    long started = System.nanoTime();
    CliProcess.Result r = CliProcess.run(RUN, "resolve",
        KeyPair.generate().publicKey().hex(), "--network", "loopback", "--bind", "127.0.104.8",
        "--bootstrap", "127.0.109.254:27999", "--timeout", "2s");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    assertEquals(3, r.exitCode(), r.stdout() + "\n" + r.stderr());
    assertEquals("", r.stdout());
    assertTrue(r.stderr().contains("no DHT node answered") || r.stderr().contains("timed out"),
        r.stderr());
    // JVM start plus the 2 s budget, with room for a slow machine; not the 10 s default.
    assertTrue(seconds < 20, seconds + " s");
  }

  private static String onlyLine(String stdout) {
    List<String> lines = stdout.lines().toList();
    assertEquals(1, lines.size(), "expected one JSON line:\n" + stdout);
    return lines.get(0);
  }

  private static long number(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
    assertTrue(m.find(), name + " missing: " + json);
    return Long.parseLong(m.group(1));
  }

  private static String string(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
    assertNotNull(m.find() ? m.group(1) : null, name + " missing: " + json);
    return m.group(1);
  }
}
