package dev.dhtbeacon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage errors and help of the real {@code dhtbeacon} process: exit codes, and that input
 * errors are caught before any socket is opened.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliUsageTest {
  private static final Duration QUICK = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void helpExitsZeroAndListsTheSubcommands() throws Exception {
    CliProcess.Result r = CliProcess.run(QUICK, "--help");
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().contains("serve"), r.stdout());
    assertTrue(r.stdout().contains("testnet"), r.stdout());
  }

  @Test
  void unknownOptionExitsTwo() throws Exception {
    CliProcess.Result r = CliProcess.run(QUICK, "--no-such-option");
    assertEquals(2, r.exitCode(), r.stdout() + "\n" + r.stderr());
    assertTrue(r.stderr().contains("--no-such-option"), r.stderr());
  }

  @Test
  void missingSubcommandExitsTwo() throws Exception {
    CliProcess.Result r = CliProcess.run(QUICK);
    assertEquals(2, r.exitCode(), r.stdout() + "\n" + r.stderr());
    assertTrue(r.stderr().contains("subcommand"), r.stderr());
  }

  @Test
  void unknownServeOptionExitsTwo() throws Exception {
    CliProcess.Result r = CliProcess.run(QUICK, "serve", "--network", "loopback",
        "--bind", "127.0.34.1", "--dht-port", "21301", "--boot", dir.resolve("x.boot").toString(),
        "--no-such-option");
    assertEquals(2, r.exitCode(), r.stdout() + "\n" + r.stderr());
    assertFalse(Files.exists(dir.resolve("x.boot")));
  }

  @Test
  void testnetOnMainlineIsRefusedBeforeBinding() throws Exception {
    // Hold the port the testnet would bind first: if it tried, it would fail with a bind error.
    try (DatagramSocket held = new DatagramSocket(
        new InetSocketAddress(InetAddress.getByName("127.0.34.2"), 21302))) {
      CliProcess.Result r = CliProcess.run(QUICK, "testnet", "--network", "mainline",
          "--nodes", "3", "--base-address", "127.0.34.2", "--port", "21302", "--seconds", "1");
      assertEquals(2, r.exitCode(), r.stdout() + "\n" + r.stderr());
      assertFalse(r.stdout().contains("READY"), r.stdout());
      assertTrue(r.stderr().contains("loopback"), r.stderr());
      assertFalse(r.stderr().toLowerCase().contains("bind"), r.stderr());
    }
  }

  @Test
  void serveRejectsHostNameBootstrapInLoopbackBeforeStartingTheNode() throws Exception {
    // The port is taken: a node that got as far as binding would exit 3 (network), not 2.
    Path boot = dir.resolve("node.boot");
    try (DatagramSocket held = new DatagramSocket(
        new InetSocketAddress(InetAddress.getByName("127.0.34.3"), 21303))) {
      CliProcess.Result r = CliProcess.run(QUICK, "serve", "--network", "loopback",
          "--bind", "127.0.34.3", "--dht-port", "21303", "--boot", boot.toString(),
          "--bootstrap", "router.bittorrent.com:6881");
      assertEquals(2, r.exitCode(), r.stdout() + "\n" + r.stderr());
      assertTrue(r.stderr().contains("host names are not resolved"), r.stderr());
      assertFalse(r.stderr().contains("serving on"), r.stderr());
      assertFalse(Files.exists(boot), "a .boot file was written by a node that must not start");
    }
  }

  @Test
  void serveRejectsABadNetworkName() throws Exception {
    CliProcess.Result r = CliProcess.run(QUICK, "serve", "--network", "internet",
        "--bind", "127.0.34.4", "--dht-port", "21304",
        "--boot", dir.resolve("n.boot").toString());
    assertEquals(2, r.exitCode(), r.stdout() + "\n" + r.stderr());
    assertTrue(r.stderr().contains("mainline"), r.stderr());
  }
}
