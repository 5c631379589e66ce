package dev.dhtbeacon.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.lookup.LookupSettings;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.storage.Bep44;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node nearest a key is slow: it answers, but well after the resolver's stall time (250 ms
 * on loopback), while the honest nodes around it answer at once. It alone holds the record.
 * A lookup that ended once the next k nodes had answered would miss it; a lookup that waited
 * the full query timeout for every silent node near the target would be slow wherever a dead
 * node sits there. The lookup waits a bounded while for it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlowNearestNodeTest {
  private static final InetSocketAddress PUBLISHED = new InetSocketAddress(
      Testnet.loopback(127, 0, 97, 99), 7099);
  private static Testnet net;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(200).withBase(Testnet.loopback(127, 0, 96, 1),
        26200));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void aSlowNearestNodeIsWaitedFor() throws Exception {
    ResolveResult r = resolveFromSlowPeer(700, 11, 26201);
    assertTrue(r.found(), "the lookup ended without the slow node's answer in " + r.millis()
        + " ms");
    assertEquals(List.of(PUBLISHED), r.record().addresses());
    assertTrue(r.millis() >= 700, "found in " + r.millis() + " ms, before the slow answer");
  }

  @Test
  void aSilentNearestNodeCostsLessThanTheQueryTimeout() throws Exception {
    ResolveResult r = resolveFromSlowPeer(20_000, 12, 26202);
    assertFalse(r.found());
    long timeout = LookupSettings.defaults().queryTimeoutMillis();
    assertTrue(r.millis() < timeout, "the lookup waited " + r.millis() + " ms for a node that "
        + "never answered (query timeout " + timeout + " ms)");
  }

  /**
   * A peer next to a fresh key's target, on 127.0.97.{@code peerHost}, introduced to the 16
   * honest nodes nearest it, holds the only copy of the key's record and answers everything
   * {@code delayMillis} late; a resolver that joined afterwards resolves the key. Each peer has
   * an IP of its own: routing tables keep one entry per IP, and the other test's peer stays in
   * some of them after it closed.
   */
  private static ResolveResult resolveFromSlowPeer(long delayMillis, int peerHost,
      int resolverPort) throws Exception {
    KeyPair keys = KeyPair.generate();
    NodeId target = Bep44.mutableTarget(keys.publicKey().bytes(), null);
    AddressRecord record = new AddressRecord(List.of(PUBLISHED),
        System.currentTimeMillis() / 1000);
    try (HostilePeer slow = HostilePeer.bind(
        new InetSocketAddress(Testnet.loopback(127, 0, 97, peerHost), 26210), target,
        net.contacts())) {
      int told = slow.introduceTo(Testnet.trueClosest(net.contacts(), target, 16));
      assertTrue(told >= 12, "only " + told + " nodes answered the slow peer's ping");
      slow.serve(MutableItem.sign(keys, null, 1, record.encode()));
      slow.delayReplies(delayMillis);
      try (DhtBeacon resolver = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
          .bind(new InetSocketAddress(Testnet.loopback(127, 0, 97, 2), resolverPort))
          .bootstrap(List.of(net.entryPoint())).cacheTtl(Duration.ZERO).build().start()
          .get(30, TimeUnit.SECONDS)) {
        ResolveResult r = resolver.resolve(keys.publicKey()).get(30, TimeUnit.SECONDS);
        System.out.printf("slow peer %d ms: found=%s in %d ms, %d queried%n", delayMillis,
            r.found(), r.millis(), r.nodesQueried());
        assertTrue(slow.askedBy().contains(resolver.node().address()),
            "the resolver's lookup never reached the slow peer; asked by " + slow.askedBy());
        return r;
      }
    }
  }
}
