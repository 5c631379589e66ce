package dev.dhtbeacon.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.Testnet;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose address changes: with periodic publishing every {@link #INTERVAL}, a resolver
 * that does not cache sees the new address within one interval plus one lookup.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AddressChangeTest {
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  /** One interval, plus a publish and a resolve with room for a loaded CI machine. */
  private static final long DEADLINE_MILLIS = INTERVAL.toMillis() + 5_000;
  private static Testnet net;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(100).withBase(Testnet.loopback(127, 0, 87, 1),
        26200));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void aResolverWithoutCacheSeesEachNewAddressWithinAnInterval(@TempDir Path dir)
      throws Exception {
    KeyPair keys = KeyPair.generate();
    AtomicReference<List<InetSocketAddress>> current = new AtomicReference<>(
        List.of(endpoint(1, 7001)));
    try (DhtBeacon home = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
            .bind(address(1, 26201)).bootstrap(List.of(net.entryPoint())).build().start()
            .get(30, TimeUnit.SECONDS);
        // A store is configured, so TTL zero (not a missing store) is what disables the cache.
        DhtBeacon resolver = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
            .bind(address(2, 26202)).bootstrap(List.of(net.entryPoint()))
            .dataDir(dir.resolve("resolver")).cacheTtl(Duration.ZERO).build().start()
            .get(30, TimeUnit.SECONDS);
        PublishHandle handle = home.startPublishing(keys, current::get, INTERVAL)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (handle.lastResult() == null && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertNotNull(handle.lastResult(), "the first publish did not finish within 15 s");
      ResolveResult first = resolver.resolve(keys.publicKey()).get(15, TimeUnit.SECONDS);
      assertTrue(first.found());
      assertEquals(current.get(), first.record().addresses());

      // A new IP, then only a new port: both must propagate.
      for (InetSocketAddress next : List.of(endpoint(2, 7001), endpoint(2, 7002))) {
        long changedAt = System.nanoTime();
        current.set(List.of(next));
        ResolveResult seen = awaitAddress(resolver, keys.publicKey(), next, changedAt);
        long millis = (System.nanoTime() - changedAt) / 1_000_000;
        System.out.printf("address changed to %s: resolver saw it after %d ms (interval %d ms,"
            + " deadline %d ms); seq %d, last publish %s%n", next, millis, INTERVAL.toMillis(),
            DEADLINE_MILLIS, seen == null ? 0 : seen.seq(), handle.lastResult());
        assertNotNull(seen, "the resolver still did not see " + next + " after "
            + DEADLINE_MILLIS + " ms");
        assertFalse(seen.fromCache());
        assertTrue(seen.seq() > first.seq());
      }
    }
  }

  /** Resolves repeatedly until {@code expected} appears or the deadline passes (then null). */
  private static ResolveResult awaitAddress(DhtBeacon resolver, PublicKey key,
      InetSocketAddress expected, long changedAtNanos) throws Exception {
    long deadline = changedAtNanos + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
    for (int attempt = 0; attempt < 200 && System.nanoTime() < deadline; attempt++) {
      ResolveResult r = resolver.resolve(key).get(10, TimeUnit.SECONDS);
      if (r.found() && r.record().addresses().equals(List.of(expected))) {
        return System.nanoTime() <= deadline ? r : null;
      }
      Thread.sleep(100);
    }
    return null;
  }

  private static InetSocketAddress address(int host, int port) {
    return new InetSocketAddress(Testnet.loopback(127, 0, 88, host), port);
  }

  /** Published endpoints: data only, never contacted. */
  private static InetSocketAddress endpoint(int host, int port) {
    return new InetSocketAddress(Testnet.loopback(127, 0, 93, host), port);
  }
}
