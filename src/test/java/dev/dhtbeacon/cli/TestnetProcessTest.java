package dev.dhtbeacon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.BootFile;
import dev.dhtbeacon.routing.Contact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dhtbeacon testnet} and {@code dhtbeacon serve} as real processes on loopback: the
 * testnet reports READY, a serve node joins it, and SIGTERM makes the node save a usable .boot.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TestnetProcessTest {
  private static final String ENTRY = "127.0.30.1:21001";
  private static final Pattern TABLE = Pattern.compile("table=(\\d+)");
  private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{40}");

  @TempDir
  Path dir;

  private CliProcess testnet;
  private CliProcess serve;

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (CliProcess p : new CliProcess[] {serve, testnet}) {
      if (p != null) {
        p.close();
      }
    }
  }

  @Test
  void serveJoinsATestnetAndSavesItsBootFileOnSigterm() throws Exception {
    testnet = CliProcess.start("testnet", "--network", "loopback", "--nodes", "40",
        "--base-address", "127.0.30.1", "--port", "21001", "--status-every", "2");
    String ready = testnet.awaitStdout(l -> l.startsWith("READY "), Duration.ofSeconds(60));
    assertEquals("READY " + ENTRY, ready, testnet.transcript());
    assertNotNull(testnet.awaitStdout(l -> l.startsWith("STATUS nodes=40 "),
        Duration.ofSeconds(10)), testnet.transcript());

    Path boot = dir.resolve("serve.boot");
    serve = CliProcess.start("serve", "--network", "loopback", "--bind", "127.0.31.1",
        "--dht-port", "21002", "--bootstrap", ENTRY, "--boot", boot.toString(),
        "--status-every", "1");
    String status = serve.awaitStderr(l -> tableSize(l) >= 8, Duration.ofSeconds(30));
    assertNotNull(status, "serve never reported a routing table of 8+\n" + serve.transcript());
    assertNotNull(serve.awaitStderr(l -> l.contains("serving on 127.0.31.1:21002"),
        Duration.ofSeconds(1)), serve.transcript());

    int serveExit = serve.terminate(Duration.ofSeconds(10));
    assertNotEquals(-1, serveExit, "serve did not exit within 10 s of SIGTERM\n"
        + serve.transcript());
    // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and halted.
    assertTrue(serveExit == 0 || serveExit == 143, "serve exit code " + serveExit);
    assertTrue(serve.stderr().stream().anyMatch(l -> l.contains("stopping: saving")),
        serve.transcript());
    assertTrue(Files.isRegularFile(boot), "no .boot after shutdown\n" + serve.transcript());

    BootFile.LoadResult loaded = BootFile.load(boot);
    assertNull(loaded.problem());
    assertEquals(0, loaded.skippedLines(), Files.readString(boot));
    assertTrue(loaded.contacts().size() >= 5, Files.readString(boot));
    for (Contact c : loaded.contacts()) {
      byte[] ip = c.address().getAddress().getAddress();
      assertTrue(ip.length == 4 && ip[0] == 127 && ip[1] == 0 && ip[2] == 30,
          "not a testnet node: " + c);
      assertEquals(21001, c.address().getPort(), c.toString());
      assertTrue(HEX_ID.matcher(c.id().hex()).matches(), c.id().hex());
    }
    // Every node line of the file itself, not just what the parser kept, is <40 hex> <ip:port>.
    for (String line : Files.readAllLines(boot)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        assertTrue(line.matches("[0-9a-f]{40} 127\\.0\\.30\\.\\d{1,3}:21001"), line);
      }
    }
    assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
        "temporary file left behind by the atomic save");

    int testnetExit = testnet.terminate(Duration.ofSeconds(10));
    assertNotEquals(-1, testnetExit, "testnet did not exit within 10 s of SIGTERM\n"
        + testnet.transcript());
    System.out.printf("serve exit %d, testnet exit %d, .boot %d entries%n%s%n%s%n", serveExit,
        testnetExit, loaded.contacts().size(), serve.transcript(), testnet.transcript());
  }

  private static int tableSize(String line) {
    Matcher m = TABLE.matcher(line);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }
}
