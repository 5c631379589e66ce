package dev.dhtbeacon.node;

import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.KrpcTransport;
import dev.dhtbeacon.krpc.Query;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.storage.ItemStore;
import dev.dhtbeacon.storage.PeerStore;
import dev.dhtbeacon.storage.PutOutcome;
import dev.dhtbeacon.storage.StoredItem;
import dev.dhtbeacon.storage.TokenIssuer;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;

/**
 * Answers the queries that reach a node: ping, find_node, get_peers, announce_peer, get, put,
 * sample_infohashes, and unknown methods (like find_node when they name a target, else 204).
 * Runs on the node's event loop.
 */
final class QueryResponder {
  /** Nodes per family in a reply; with 8 the reply stays far below 1 500 bytes. */
  static final int NODES_PER_REPLY = 8;
  /** Peers per get_peers reply: 40 × 20 bytes (IPv6 worst case) still fits a datagram. */
  static final int PEERS_PER_REPLY = 40;
  /** BEP 51 samples per reply (20 bytes each). */
  static final int SAMPLES_PER_REPLY = 40;
  /** BEP 51 interval: ask again no sooner than this, in seconds. */
  static final int SAMPLE_INTERVAL_SECONDS = 60;

  private final DhtNode node;
  private final TokenIssuer tokens;
  private final PeerStore peers;
  private final ItemStore items;
  private final Random random;

  QueryResponder(DhtNode node, TokenIssuer tokens, PeerStore peers, ItemStore items,
      Random random) {
    this.node = node;
    this.tokens = tokens;
    this.peers = peers;
    this.items = items;
    this.random = random;
  }

  void answer(Query q, InetSocketAddress from) {
    KrpcTransport transport = node.transport();
    QueryArgs args = q.args();
    Response.Builder r = Response.builder(q.tid(), node.id());
    if (args instanceof QueryArgs.Ping) {
      transport.reply(r.build(), from);
    } else if (args instanceof QueryArgs.FindNode f) {
      transport.reply(withNodes(r, f.target(), f.want(), from).build(), from);
    } else if (args instanceof QueryArgs.GetPeers g) {
      withNodes(r, g.infoHash(), g.want(), from).token(tokens.issue(from.getAddress()))
          .values(peers.peers(g.infoHash(), PEERS_PER_REPLY));
      transport.reply(r.build(), from);
    } else if (args instanceof QueryArgs.AnnouncePeer a) {
      announce(q, a, from);
    } else if (args instanceof QueryArgs.Get g) {
      get(g, r, from);
    } else if (args instanceof QueryArgs.Put p) {
      put(q, p, from);
    } else if (args instanceof QueryArgs.SampleInfohashes s) {
      sample(q, s, r, from);
    } else if (args instanceof QueryArgs.Unknown u) {
      unknown(q, u, r, from);
    }
  }

  private void announce(Query q, QueryArgs.AnnouncePeer a, InetSocketAddress from) {
    if (!tokens.isValid(a.token(), from.getAddress())) {
      node.transport().reply(new ErrorReply(q.tid(), ErrorReply.PROTOCOL, "bad token", null),
          from);
      return;
    }
    int port = a.impliedPort() ? from.getPort() : a.port();
    peers.announce(a.infoHash(), new InetSocketAddress(from.getAddress(), port));
    node.transport().reply(Response.plain(q.tid(), node.id()), from);
  }

  /**
   * BEP 44 get: nodes, a token, and the item if we hold one. When the querier already has
   * {@code seq} or newer, the value and signature are left out (it only learns our seq).
   */
  private void get(QueryArgs.Get g, Response.Builder r, InetSocketAddress from) {
    withNodes(r, g.target(), g.want(), from).token(tokens.issue(from.getAddress()));
    StoredItem item = items.get(g.target());
    if (item != null) {
      if (item.mutable() && g.seq() != null && g.seq() >= item.seq()) {
        r.item(null, null, null, item.seq());
      } else {
        r.item(item.v(), item.k(), item.sig(), item.seq());
      }
    }
    node.transport().reply(r.build(), from);
  }

  private void put(Query q, QueryArgs.Put p, InetSocketAddress from) {
    if (!tokens.isValid(p.token(), from.getAddress())) {
      node.transport().reply(new ErrorReply(q.tid(), ErrorReply.PROTOCOL, "bad token", null),
          from);
      return;
    }
    PutOutcome outcome = items.put(p, from.getAddress());
    node.transport().reply(outcome.stored() ? Response.plain(q.tid(), node.id())
        : new ErrorReply(q.tid(), outcome.code(), outcome.message(), null), from);
  }

  private void sample(Query q, QueryArgs.SampleInfohashes s, Response.Builder r,
      InetSocketAddress from) {
    if (!node.answersSampleInfohashes()) {
      unknown(q, new QueryArgs.Unknown(s.method(), s.target(), s.want()), r, from);
      return;
    }
    List<NodeId> samples = peers.sample(SAMPLES_PER_REPLY, random);
    withNodes(r, s.target(), s.want(), from)
        .samples(samples, SAMPLE_INTERVAL_SECONDS, peers.infohashCount());
    node.transport().reply(r.build(), from);
  }

  private void unknown(Query q, QueryArgs.Unknown u, Response.Builder r, InetSocketAddress from) {
    if (u.target() != null) {
      node.transport().reply(withNodes(r, u.target(), u.want(), from).build(), from);
    } else {
      node.transport().reply(new ErrorReply(q.tid(), ErrorReply.METHOD_UNKNOWN,
          "method unknown", null), from);
    }
  }

  /** Adds the closest nodes we know in the families asked for (BEP 32), else the asker's. */
  private Response.Builder withNodes(Response.Builder r, NodeId target, Want want,
      InetSocketAddress from) {
    boolean askerV6 = from.getAddress() instanceof Inet6Address;
    boolean v4 = want.specified() ? want.v4() : !askerV6;
    boolean v6 = want.specified() ? want.v6() : askerV6;
    List<Contact> nodes = v4 ? node.tableV4().closest(target, NODES_PER_REPLY) : List.of();
    List<Contact> nodes6 = v6 ? node.tableV6().closest(target, NODES_PER_REPLY) : List.of();
    return r.nodes(nodes, nodes6);
  }
}
