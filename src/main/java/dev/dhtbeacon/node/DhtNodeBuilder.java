package dev.dhtbeacon.node;

import dev.dhtbeacon.krpc.KrpcTransport;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.lookup.LookupSettings;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/** Builds a {@link DhtNode}. Only the network mode is required; it has no safe default here. */
public final class DhtNodeBuilder {
  /** The DHT's customary UDP port. */
  public static final int DEFAULT_PORT = 6881;

  private NetworkMode mode;
  private InetSocketAddress bind;
  private NodeId nodeId;
  private Path bootFile;
  private final List<InetSocketAddress> bootstrap = new ArrayList<>();
  private final List<String> routers = new ArrayList<>();
  private KrpcTransport.Settings transport;
  private LookupSettings lookup = LookupSettings.defaults();
  private Clock clock = Clock.systemUTC();
  private long maintenanceMillis = 5_000;
  private long bootSaveMillis = 5 * 60_000;
  private boolean answersSampleInfohashes = true;
  private boolean readOnly;
  private EventLoopGroup group;
  private Executor callbacks;

  DhtNodeBuilder() {
  }

  public DhtNodeBuilder network(NetworkMode mode) {
    this.mode = mode;
    return this;
  }

  /** The UDP endpoint; defaults to 127.0.0.1:6881 in loopback mode, 0.0.0.0:6881 otherwise. */
  public DhtNodeBuilder bind(InetSocketAddress bind) {
    this.bind = bind;
    return this;
  }

  public DhtNodeBuilder nodeId(NodeId id) {
    this.nodeId = id;
    return this;
  }

  public DhtNodeBuilder bootFile(Path path) {
    this.bootFile = path;
    return this;
  }

  public DhtNodeBuilder bootstrap(List<InetSocketAddress> addresses) {
    this.bootstrap.addAll(addresses);
    return this;
  }

  /** Router {@code host:port} names; resolved only in mainline mode. */
  public DhtNodeBuilder routers(List<String> names) {
    this.routers.addAll(names);
    return this;
  }

  public DhtNodeBuilder transport(KrpcTransport.Settings settings) {
    this.transport = settings;
    return this;
  }

  public DhtNodeBuilder lookup(LookupSettings settings) {
    this.lookup = settings;
    return this;
  }

  public DhtNodeBuilder clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public DhtNodeBuilder maintenanceMillis(long millis) {
    this.maintenanceMillis = millis;
    return this;
  }

  public DhtNodeBuilder bootSaveMillis(long millis) {
    this.bootSaveMillis = millis;
    return this;
  }

  public DhtNodeBuilder answersSampleInfohashes(boolean answers) {
    this.answersSampleInfohashes = answers;
    return this;
  }

  /** BEP 43: send {@code ro=1} so others keep us out of their tables. */
  public DhtNodeBuilder readOnly(boolean readOnly) {
    this.readOnly = readOnly;
    return this;
  }

  /** Shares an event-loop group with other nodes; the node does not shut it down. */
  public DhtNodeBuilder eventLoopGroup(EventLoopGroup group) {
    this.group = group;
    return this;
  }

  /** Where public futures complete; defaults to the common pool. */
  public DhtNodeBuilder callbackExecutor(Executor executor) {
    this.callbacks = executor;
    return this;
  }

  /**
   * Builds the node (unbound; call {@link DhtNode#start()}).
   *
   * @throws IllegalStateException if no network mode was set
   */
  public DhtNode build() {
    if (mode == null) {
      throw new IllegalStateException("network mode not set: call network(MAINLINE|LOOPBACK)");
    }
    InetSocketAddress local = bind != null ? bind : new InetSocketAddress(
        Endpoints.parseLiteral(mode == NetworkMode.LOOPBACK ? "127.0.0.1" : "0.0.0.0"),
        DEFAULT_PORT);
    KrpcTransport.Settings t = transport != null ? transport
        : KrpcTransport.Settings.defaults(mode);
    NodeConfig config = new NodeConfig(mode, local, nodeId, bootFile, bootstrap, routers, t,
        lookup, clock, maintenanceMillis, bootSaveMillis, answersSampleInfohashes, readOnly);
    return new DhtNode(config, group, callbacks);
  }
}
