package dev.dhtbeacon.registry;

import dev.dhtbeacon.krpc.EventLoops;
import dev.dhtbeacon.krpc.KrpcTransport;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks nodes directly, one {@code get} each, whether they hold an item: the test's view of
 * what is really stored where, independent of any lookup. A read-only raw KRPC endpoint (it
 * answers nothing and enters nobody's routing table).
 */
final class StorageProbe implements AutoCloseable {
  private static final long TIMEOUT_MILLIS = 2_000;

  private final EventLoopGroup group;
  private final KrpcTransport transport;

  private StorageProbe(EventLoopGroup group, KrpcTransport transport) {
    this.group = group;
    this.transport = transport;
  }

  static StorageProbe bind(InetSocketAddress local) {
    EventLoopGroup group = EventLoops.newGroup(1);
    try {
      KrpcTransport.Settings s = KrpcTransport.Settings.defaults(NetworkMode.LOOPBACK);
      // Generous inbound limits: the probe hears from each node only a handful of times, but
      // its replies arrive in bursts.
      KrpcTransport t = KrpcTransport.bind(group, local, new KrpcTransport.Settings(
          s.mode(), 10_000, 20_000, s.maxPending(), s.version()), NodeId.random(),
          (q, from) -> { }).get(10, TimeUnit.SECONDS);
      t.readOnly(true);
      return new StorageProbe(group, t);
    } catch (Exception e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot bind probe at " + local, e);
    }
  }

  /**
   * The nodes among {@code nodes} that answer a {@code get} for {@code target} with an item of
   * at least {@code seq} (any seq when {@code seq} is 0). A node silent twice counts as not
   * holding it: one datagram lost on a loaded machine must not read as a missing copy.
   */
  CompletableFuture<List<Contact>> holders(NodeId target, List<Contact> nodes, long seq) {
    List<CompletableFuture<Contact>> asks = new ArrayList<>();
    for (Contact c : nodes) {
      asks.add(get(c, target).exceptionallyCompose(silent -> get(c, target))
          .handle((reply, error) -> reply instanceof Response r && r.v() != null
              && r.seq() != null && r.seq() >= seq ? c : null));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(v -> asks.stream().map(CompletableFuture::join)
            .filter(c -> c != null).toList());
  }

  private CompletableFuture<Reply> get(Contact c, NodeId target) {
    return transport.query(c.address(), new QueryArgs.Get(target, null, Want.UNSPECIFIED),
        TIMEOUT_MILLIS);
  }

  @Override
  public void close() {
    try {
      transport.close();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
