package dev.dhtbeacon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.registry.DhtBeacon;
import dev.dhtbeacon.registry.KeyFile;
import dev.dhtbeacon.registry.KeyPair;
import dev.dhtbeacon.registry.PublicKey;
import dev.dhtbeacon.registry.ResolveResult;
import dev.dhtbeacon.routing.Endpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --key} as a real process that is killed with SIGKILL and restarted on the same
 * data directory: the persisted item is reused (same seq, same signature), publishing resumes,
 * and a changed address gets a higher seq. An in-process resolver without a cache watches.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ServeRestartTest {
  private static final Pattern PUBLISHED = Pattern.compile("published ([0-9a-f]{64}) seq (\\d+)");
  private static final Duration INTERVAL = Duration.ofSeconds(2);

  @TempDir
  Path dir;

  @Test
  void aKilledServerComesBackWithTheSameSeqAndMovesForwardOnChange() throws Exception {
    List<CliProcess> started = new ArrayList<>();
    try (Testnet net = Testnet.start(Testnet.Options.of(60)
            .withBase(Testnet.loopback(127, 0, 102, 1), 27002));
        DhtBeacon resolver = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
            .bind(Endpoints.parse("127.0.101.2:27101"))
            .bootstrap(List.of(net.entryPoint()))
            .cacheTtl(Duration.ZERO)
            .build().start().get(30, TimeUnit.SECONDS)) {
      Path key = dir.resolve("server.key");
      KeyPair keys = KeyPair.generate();
      KeyFile.write(key, keys);
      PublicKey pk = keys.publicKey();
      String entry = Endpoints.format(net.entryPoint());

      // 1. First run: wait until the record resolves.
      CliProcess first = serve(started, key, "127.0.0.9:6882", entry);
      ResolveResult r1 = awaitResolved(resolver, pk, r -> r.addresses().equals(
          List.of("127.0.0.9:6882")), first);
      long seq1 = r1.seq();
      assertEquals(pk, r1.key());
      long loggedSeq1 = awaitPublish(first, pk, 1);
      assertEquals(seq1, loggedSeq1, first.transcript());

      // 2. SIGKILL: no shutdown hook, no MapDB close; only what was committed survives.
      int killed = first.kill(Duration.ofSeconds(10));
      assertEquals(137, killed, "128 + SIGKILL\n" + first.transcript());

      // 3. Same arguments: the persisted item is published again, seq unchanged.
      CliProcess second = serve(started, key, "127.0.0.9:6882", entry);
      assertTrue(awaitLine(second, l -> l.contains("publishing under " + pk.hex()),
          Duration.ofSeconds(30)), second.transcript());
      long seq2 = awaitPublish(second, pk, 1);
      assertTrue(seq2 >= seq1, "seq went backwards: " + seq2 + " < " + seq1);
      assertEquals(seq1, seq2, "the persisted item was not reused\n" + second.transcript());
      ResolveResult r2 = resolver.resolve(pk).get(30, TimeUnit.SECONDS);
      assertTrue(r2.found(), second.transcript());
      assertEquals(pk, r2.key());
      assertEquals(seq1, r2.seq());
      assertEquals(List.of("127.0.0.9:6882"), r2.addresses());

      // Publishing resumed: two more rounds, and the record still resolves after them.
      awaitPublish(second, pk, 3);
      ResolveResult r3 = resolver.resolve(pk).get(30, TimeUnit.SECONDS);
      assertTrue(r3.found());
      assertEquals(seq1, r3.seq());
      assertEquals(List.of("127.0.0.9:6882"), r3.addresses());
      assertTrue(second.stderr().stream().noneMatch(l -> l.contains("publish of")
          && l.contains("failed")), second.transcript());

      // 4. SIGKILL again, back with another address: a new, higher seq that resolvers see.
      assertEquals(137, second.kill(Duration.ofSeconds(10)), second.transcript());
      CliProcess third = serve(started, key, "127.0.0.10:7000", entry);
      long seq3 = awaitPublish(third, pk, 1);
      assertTrue(seq3 > seq1, seq3 + " <= " + seq1);
      ResolveResult moved = awaitResolved(resolver, pk, r -> r.seq() > seq1, third);
      assertEquals(seq3, moved.seq());
      assertEquals(List.of("127.0.0.10:7000"), moved.addresses());

      // A clean stop this time (SIGTERM) still exits promptly.
      int stopped = third.terminate(Duration.ofSeconds(15));
      assertNotEquals(-1, stopped, third.transcript());
      assertTrue(Files.isRegularFile(dir.resolve("data").resolve("dhtbeacon.db")));
      System.out.printf("seq1 %d, after restart %d, after move %d%n%s%n", seq1, seq2, seq3,
          third.transcript());
    } finally {
      for (CliProcess p : started) {
        p.close();
      }
    }
  }

  private CliProcess serve(List<CliProcess> started, Path key, String address, String entry)
      throws Exception {
    CliProcess p = CliProcess.start("serve", "--network", "loopback",
        "--key", key.toString(), "--address", address, "--interval", INTERVAL.toSeconds() + "s",
        "--data", dir.resolve("data").toString(), "--boot", dir.resolve("serve.boot").toString(),
        "--dht-port", "27100", "--bind", "127.0.101.1", "--bootstrap", entry,
        "--status-every", "1");
    started.add(p);
    return p;
  }

  /** The seq of the {@code n}-th "published" log line of {@code p} (1-based). */
  private static long awaitPublish(CliProcess p, PublicKey key, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30L + 3L * n);
    while (System.nanoTime() < deadline) {
      List<Long> seqs = new ArrayList<>();
      for (String line : p.stderr()) {
        Matcher m = PUBLISHED.matcher(line);
        if (m.find()) {
          assertEquals(key.hex(), m.group(1), line);
          seqs.add(Long.parseLong(m.group(2)));
        }
      }
      if (seqs.size() >= n) {
        return seqs.get(n - 1);
      }
      assertTrue(p.process().isAlive(), "serve exited\n" + p.transcript());
      Thread.sleep(200);
    }
    throw new AssertionError("no publish #" + n + " within the deadline\n" + p.transcript());
  }

  private static boolean awaitLine(CliProcess p, Predicate<String> wanted, Duration timeout)
      throws InterruptedException {
    return p.awaitStderr(wanted, timeout) != null;
  }

  private static ResolveResult awaitResolved(DhtBeacon resolver, PublicKey key,
      Predicate<ResolveResult> wanted, CliProcess serve) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    ResolveResult last = null;
    while (System.nanoTime() < deadline) {
      last = resolver.resolve(key).get(30, TimeUnit.SECONDS);
      assertTrue(!last.fromCache(), "cache is off");
      if (last.found() && wanted.test(last)) {
        return last;
      }
      assertTrue(serve.process().isAlive(), "serve exited\n" + serve.transcript());
      Thread.sleep(500);
    }
    assertNotNull(null, "never resolved as wanted; last " + last + "\n" + serve.transcript());
    return last;
  }
}
