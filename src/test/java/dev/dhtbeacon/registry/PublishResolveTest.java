package dev.dhtbeacon.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Endpoints;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Publish on one beacon, resolve from another, over a 120-node loopback testnet. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublishResolveTest {
  private static Testnet net;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(120).withBase(Testnet.loopback(127, 0, 50, 1), 23000));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  private static DhtBeacon beacon(String ip, Path data) {
    DhtBeacon.Builder b = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
        .bind(Endpoints.parse(ip + ":23001")).bootstrap(List.of(net.entryPoint()));
    if (data != null) {
      b.dataDir(data);
    }
    return b.build().start().join();
  }

  @Test
  void publishedAddressResolvesFromAnotherNode(@TempDir Path dir) {
    KeyPair keys = KeyPair.generate();
    List<InetSocketAddress> addrs = List.of(Endpoints.parse("127.0.0.9:6882"));
    try (DhtBeacon publisher = beacon("127.0.51.1", dir.resolve("pub"));
        DhtBeacon resolver = beacon("127.0.51.2", null)) {
      PublishResult p = publisher.publish(keys, addrs).join();
      assertTrue(p.copies() >= 8, "copies " + p.copies());
      ResolveResult r = resolver.resolve(keys.publicKey()).join();
      assertTrue(r.found());
      assertEquals(List.of("127.0.0.9:6882"), r.addresses());
      assertEquals(p.seq(), r.seq());

      PublishResult again = publisher.publish(keys, addrs).join();
      assertEquals(p.seq(), again.seq(), "unchanged value keeps its seq");
      assertFalse(again.lookup(), "fresh tokens are reused");
      assertTrue(again.copies() >= 8, "copies " + again.copies());

      PublishResult moved = publisher.publish(keys, List.of(Endpoints.parse("127.0.0.10:7000")))
          .join();
      assertTrue(moved.seq() > p.seq());
      ResolveResult r2 = resolver.resolve(keys.publicKey()).join();
      assertEquals(List.of("127.0.0.10:7000"), r2.addresses());
    }
  }

  @Test
  void anUnknownKeyIsNotFound() {
    try (DhtBeacon resolver = beacon("127.0.51.3", null)) {
      ResolveResult r = resolver.resolve(KeyPair.generate().publicKey()).join();
      assertFalse(r.found());
      assertTrue(r.nodesQueried() > 0);
    }
  }
}
