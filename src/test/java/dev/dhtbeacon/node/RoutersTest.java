package dev.dhtbeacon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Router names are resolved only in mainline mode. The machines running this test have no
 * internet: only "localhost" (answered from /etc/hosts, no DNS packet) is ever resolved here,
 * and real router names appear only in loopback mode, where nothing is looked up.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RoutersTest {

  @Test
  void loopbackModeResolvesNothing() {
    // localhost would resolve to 127.0.0.1 if any lookup happened: the empty list shows none did.
    assertEquals(List.of(), Routers.resolve(NetworkMode.LOOPBACK,
        List.of("localhost:6881", "router.bittorrent.com:6881")));
    assertEquals(List.of(), Routers.resolve(NetworkMode.LOOPBACK, List.of("localhost:6881")));
    assertEquals(List.of(), Routers.resolve(NetworkMode.LOOPBACK, List.of()));
  }

  @Test
  void mainlineModeResolvesLocalhostFromTheHostsFile() {
    List<InetSocketAddress> out = Routers.resolve(NetworkMode.MAINLINE,
        List.of("localhost:6881"));
    assertFalse(out.isEmpty());
    for (InetSocketAddress a : out) {
      assertFalse(a.isUnresolved(), a.toString());
      assertTrue(a.getAddress().isLoopbackAddress(), a.toString());
      assertEquals(6881, a.getPort());
    }
  }

  @Test
  void malformedEntriesAreSkippedWithoutALookup() {
    // None of these reaches a name lookup: no port, empty host, or a port that is not a number.
    assertEquals(List.of(), Routers.resolve(NetworkMode.MAINLINE,
        List.of("noport", ":6881", "localhost:", "localhost:http")));
  }

  @Test
  void anOutOfRangePortSkipsOnlyThatEntry() {
    List<InetSocketAddress> out = Routers.resolve(NetworkMode.MAINLINE,
        List.of("localhost:99999", "localhost:0", "localhost:-1", "localhost:6881"));
    assertFalse(out.isEmpty());
    for (InetSocketAddress a : out) {
      assertEquals(6881, a.getPort());
      assertTrue(a.getAddress().isLoopbackAddress());
    }
  }
}
