package dev.dhtbeacon.node;

import dev.dhtbeacon.krpc.KrpcTransport;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.lookup.LookupSettings;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link DhtNode} is started with. Build with {@link DhtNode#builder()}.
 *
 * @param bind local UDP endpoint (port 0: ephemeral)
 * @param nodeId our id, or null for a random one
 * @param bootFile the {@code .boot} file to load and keep current, or null
 * @param bootstrap known node endpoints to start from when {@code .boot} gives nothing
 * @param routers {@code host:port} router names, used only in mainline mode
 * @param maintenanceMillis how often pings, bucket refreshes and expiry run
 * @param bootSaveMillis how often {@code .boot} is saved
 * @param answersSampleInfohashes false makes the node treat BEP 51 as an unknown method
 */
public record NodeConfig(NetworkMode mode, InetSocketAddress bind, NodeId nodeId, Path bootFile,
    List<InetSocketAddress> bootstrap, List<String> routers, KrpcTransport.Settings transport,
    LookupSettings lookup, Clock clock, long maintenanceMillis, long bootSaveMillis,
    boolean answersSampleInfohashes, boolean readOnly) {

  public NodeConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(bind, "bind");
    bootstrap = List.copyOf(bootstrap);
    routers = List.copyOf(routers);
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(lookup, "lookup");
    Objects.requireNonNull(clock, "clock");
    if (transport.mode() != mode) {
      throw new IllegalArgumentException("transport mode " + transport.mode()
          + " differs from node mode " + mode);
    }
  }
}
