package dev.dhtbeacon.node;

import dev.dhtbeacon.krpc.NetworkMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves bootstrap router names. The only place in the project that turns a host name into
 * an address, and it refuses to in loopback mode: a router name is never even looked up there.
 */
public final class Routers {
  private static final Logger LOG = LoggerFactory.getLogger(Routers.class);

  private Routers() {
  }

  /**
   * Resolves {@code host:port} names; in {@link NetworkMode#LOOPBACK} returns an empty list
   * without any lookup. Blocking: never call on an event loop.
   */
  public static List<InetSocketAddress> resolve(NetworkMode mode, List<String> routers) {
    if (mode != NetworkMode.MAINLINE || routers.isEmpty()) {
      return List.of();
    }
    List<InetSocketAddress> out = new ArrayList<>();
    for (String router : routers) {
      int colon = router.lastIndexOf(':');
      if (colon <= 0) {
        LOG.warn("router '{}' has no port; skipped", router);
        continue;
      }
      try {
        int port = Integer.parseInt(router.substring(colon + 1));
        if (port < 1 || port > 65535) {
          // Checked before the lookup: InetSocketAddress would throw and lose the whole list.
          LOG.warn("router '{}' has a port outside 1..65535; skipped", router);
          continue;
        }
        for (InetAddress a : InetAddress.getAllByName(router.substring(0, colon))) {
          out.add(new InetSocketAddress(a, port));
        }
      } catch (UnknownHostException | NumberFormatException e) {
        LOG.warn("router '{}' could not be resolved: {}", router, e.getMessage());
      }
    }
    return out;
  }
}
