package dev.dhtbeacon.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node whose bootstrap node is its own nearest neighbour: the self-lookup then meets exactly
 * its 8 closest nodes and no one else, a routing table of one full bucket that would never
 * split. The bootstrap widens it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BootstrapTableTest {
  private static Testnet net;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(40).withBase(Testnet.loopback(127, 0, 98, 1), 26300));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void aNodeNextToItsBootstrapNodeEndsTheBootstrapWithMoreThanOneBucket() throws Exception {
    for (int i = 0; i < 5; i++) {
      DhtNode entry = net.nodes().get(i * 7);
      byte[] id = entry.id().bytes();
      id[id.length - 1] ^= 1;
      DhtNode fresh = DhtNode.builder().network(NetworkMode.LOOPBACK)
          .bind(new InetSocketAddress(Testnet.loopback(127, 0, 99, 1 + i), 26300))
          .nodeId(NodeId.of(id)).bootstrap(List.of(entry.address())).build();
      try {
        fresh.start().get(20, TimeUnit.SECONDS);
        NodeStatus s = fresh.status().get(5, TimeUnit.SECONDS);
        assertTrue(s.buckets() > 1 && s.routingV4() > 8, "after bootstrap: " + s);
      } finally {
        fresh.close();
      }
    }
  }
}
