package dev.dhtbeacon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.BootFile;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.registry.KeyFile;
import dev.dhtbeacon.registry.KeyPair;
import dev.dhtbeacon.registry.PublicKey;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.storage.Bep44;
import dev.dhtbeacon.store.BeaconStore;
import dev.dhtbeacon.store.PublishedItem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a {@code serve} process that publishes every second on a testnet with
 * Internet-like round trips, twice (right after a publish, then most likely in the middle of
 * the next one; the second run on the files the first left): exit code 0 within 5 s, one log
 * line per step and no stack trace, a complete {@code .boot} that loads without a problem, and
 * a MapDB file that was closed cleanly (no write-ahead log left) and reopens with the
 * published entry.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServeShutdownTest {
  private static final Pattern PUBLISHED = Pattern.compile("published ([0-9a-f]{64}) seq (\\d+)");

  @TempDir
  Path dir;

  @Test
  void sigtermWhilePublishingExitsZeroQuicklyAndLeavesCleanFiles() throws Exception {
    List<CliProcess> started = new ArrayList<>();
    // Internet-like replies (median RTT 250 ms) make a publish last long enough to be hit.
    try (Testnet net = Testnet.start(Testnet.Options.of(40)
        .withBase(Testnet.loopback(127, 0, 202, 1), 31002).withLatency(250))) {
      KeyPair keys = KeyPair.generate();
      Path key = dir.resolve("server.key");
      KeyFile.write(key, keys);
      String entry = Endpoints.format(net.entryPoint());

      long seq1 = runAndTerminate(started, key, keys.publicKey(), entry, 0);
      // 1 s interval after the last publish ended, plus part of the next one's puts.
      long seq2 = runAndTerminate(started, key, keys.publicKey(), entry, 1_150);
      assertEquals(seq1, seq2, "the persisted item was reused after a clean stop");
      CliProcess second = started.get(1);
      String loaded = second.awaitStderr(l -> l.contains("nodes from "), Duration.ZERO);
      assertNotNull(loaded, second.transcript());
      assertTrue(!loaded.contains(" 0 nodes from") && !loaded.contains("("),
          "the first run's .boot started the second: " + loaded);
    } finally {
      for (CliProcess p : started) {
        p.close();
      }
    }
  }

  /** Starts serve, waits for publishes, SIGTERMs it {@code delayMillis} after one. */
  private long runAndTerminate(List<CliProcess> started, Path key, PublicKey pk, String entry,
      long delayMillis) throws Exception {
    Path data = dir.resolve("data");
    Path boot = dir.resolve("serve.boot");
    CliProcess serve = CliProcess.start("serve", "--network", "loopback", "--bind",
        "127.0.203.1", "--dht-port", "31110", "--bootstrap", entry, "--key", key.toString(),
        "--address", "127.0.0.9:6882", "--interval", "1s", "--http", "127.0.203.1:31210",
        "--data", data.toString(), "--boot", boot.toString(), "--status-every", "1");
    started.add(serve);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (publishes(serve).size() < 3) {
      assertTrue(System.nanoTime() < deadline, "no third publish\n" + serve.transcript());
      assertTrue(serve.process().isAlive(), serve.transcript());
      serve.awaitStderr(l -> false, Duration.ofMillis(50));
    }
    if (delayMillis > 0) {
      serve.awaitStderr(l -> false, Duration.ofMillis(delayMillis));
    }
    long t0 = System.nanoTime();
    int code = serve.terminate(Duration.ofSeconds(5));
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(0, code, "exit code (-1: still running after 5 s)\n" + serve.transcript());
    assertTrue(millis < 5_000, millis + " ms");
    List<String> err = serve.stderr();
    System.out.printf("SIGTERM %d ms after a publish: exit 0 in %d ms%n%s%n", delayMillis,
        millis, String.join("\n", err.subList(Math.max(0, err.size() - 4), err.size())));

    assertTrue(err.stream().anyMatch(l -> l.contains("stopping: saving " + boot)
        && l.endsWith("(SIGTERM)")), serve.transcript());
    assertTrue(err.stream().anyMatch(l -> l.contains("stopped in") && l.contains(boot
        + " saved") && l.contains("database closed")), serve.transcript());
    // A publish that reached fewer than 8 nodes (a loaded machine, a small testnet) warns by
    // design; that is about replication, not shutdown, so it is not counted here.
    assertTrue(err.stream().filter(l -> !l.contains("[WARN] Publisher - published"))
        .noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")
        || l.contains("[WARN]") || l.contains("[ERROR]")), "no stack trace, no warning\n"
        + serve.transcript());

    BootFile.LoadResult loaded = BootFile.load(boot);
    assertNull(loaded.problem(), "complete .boot");
    assertEquals(0, loaded.skippedLines());
    assertTrue(loaded.contacts().size() >= 8, loaded.contacts().size() + " contacts");
    assertTrue(Files.readString(boot).endsWith("\n"), "ends with a complete line");
    try (Stream<Path> files = Files.list(data)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertEquals(List.of(BeaconStore.FILE), names, "a clean close leaves no WAL: " + names);
    }
    List<Long> seqs = publishes(serve);
    try (BeaconStore store = BeaconStore.open(data)) {
      Optional<PublishedItem> item = store.published(
          Bep44.mutableTarget(pk.bytes(), null).hex());
      assertTrue(item.isPresent(), "published entry in MapDB");
      assertEquals(seqs.get(seqs.size() - 1), item.get().seq());
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.203.1", 31210), 1_000);
      throw new AssertionError("HTTP still listening");
    } catch (IOException expected) {
      // The port is closed.
    }
    return seqs.get(0);
  }

  private static List<Long> publishes(CliProcess p) {
    List<Long> seqs = new ArrayList<>();
    for (String line : p.stderr()) {
      Matcher m = PUBLISHED.matcher(line);
      if (m.find()) {
        seqs.add(Long.parseLong(m.group(2)));
      }
    }
    return seqs;
  }
}
