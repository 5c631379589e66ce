package dev.dhtbeacon.registry;

import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.EventLoops;
import dev.dhtbeacon.krpc.KrpcTransport;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.krpc.Query;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lying DHT peer on a real UDP socket. It answers like a node (ping, find_node, get with
 * honest nearby contacts and a token, put with "stored") but answers every {@code get} for one
 * target with whatever item the test hands it: a forged signature, an old item, and so on.
 * It can also hold every answer back, as a slow or overloaded node does.
 */
final class HostilePeer implements AutoCloseable {
  private final EventLoopGroup group;
  private final NodeId id;
  private final NodeId target;
  private final List<Contact> honest;
  private final AtomicInteger getsForTarget = new AtomicInteger();
  private final Set<InetSocketAddress> askedBy = ConcurrentHashMap.newKeySet();
  private volatile MutableItem served;
  private volatile long replyDelayMillis;
  private volatile KrpcTransport transport;

  private HostilePeer(EventLoopGroup group, NodeId id, NodeId target, List<Contact> honest) {
    this.group = group;
    this.id = id;
    this.target = target;
    this.honest = List.copyOf(honest);
  }

  /**
   * Binds a peer whose id is {@code target} with its lowest byte flipped, closer to the target
   * than any honest node, that points askers at {@code honest} contacts.
   */
  static HostilePeer bind(InetSocketAddress local, NodeId target, List<Contact> honest) {
    byte[] b = target.bytes();
    b[b.length - 1] ^= (byte) 0xff;
    HostilePeer peer = new HostilePeer(EventLoops.newGroup(1), NodeId.of(b), target, honest);
    try {
      peer.transport = KrpcTransport.bind(peer.group, local,
          KrpcTransport.Settings.defaults(NetworkMode.LOOPBACK), peer.id, peer::onQuery)
          .get(10, TimeUnit.SECONDS);
      return peer;
    } catch (Exception e) {
      peer.close();
      throw new IllegalStateException("cannot bind hostile peer at " + local, e);
    }
  }

  /** What every {@code get} for the target is answered with from now on (null: nothing). */
  void serve(MutableItem item) {
    this.served = item;
  }

  /** Holds every answer back this long from now on (0: answer at once). */
  void delayReplies(long millis) {
    this.replyDelayMillis = millis;
  }

  /**
   * Pings {@code nodes} so they admit this peer to their routing tables (a query from an
   * unknown node adds it as a questionable entry), and waits for their answers.
   */
  int introduceTo(List<Contact> nodes) {
    int answered = 0;
    for (Contact c : nodes) {
      try {
        transport.query(c.address(), new QueryArgs.Ping(), 2_000).get(3, TimeUnit.SECONDS);
        answered++;
      } catch (Exception e) {
        // a node that does not answer simply does not learn about us
      }
    }
    return answered;
  }

  NodeId id() {
    return id;
  }

  InetSocketAddress address() {
    return transport.localAddress();
  }

  Contact contact() {
    return new Contact(id, address());
  }

  /** {@code get} queries for the target received so far. */
  int getsForTarget() {
    return getsForTarget.get();
  }

  /** Who sent a {@code get} for the target. */
  Set<InetSocketAddress> askedBy() {
    return askedBy;
  }

  private void onQuery(Query q, InetSocketAddress from) {
    Response.Builder r = Response.builder(q.tid(), id);
    QueryArgs args = q.args();
    if (args instanceof QueryArgs.Ping || args instanceof QueryArgs.Put) {
      reply(r.build(), from);
    } else if (args instanceof QueryArgs.FindNode f) {
      reply(r.nodes(Testnet.trueClosest(honest, f.target(), 8), List.of()).build(), from);
    } else if (args instanceof QueryArgs.Get g) {
      r.nodes(Testnet.trueClosest(honest, g.target(), 8), List.of())
          .token(BString.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
      MutableItem item = served;
      if (g.target().equals(target)) {
        getsForTarget.incrementAndGet();
        askedBy.add(from);
        if (item != null) {
          r.item(item.v(), BString.of(item.key().bytes()), BString.of(item.sig()), item.seq());
        }
      }
      reply(r.build(), from);
    } else {
      reply(new ErrorReply(q.tid(), ErrorReply.METHOD_UNKNOWN, "method unknown", null), from);
    }
  }

  private void reply(Reply m, InetSocketAddress to) {
    long delay = replyDelayMillis;
    if (delay == 0) {
      transport.reply(m, to);
    } else {
      transport.eventLoop().schedule(() -> transport.reply(m, to), delay, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    try {
      if (transport != null) {
        transport.close();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
