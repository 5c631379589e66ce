package dev.dhtbeacon.krpc;

import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BList;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.routing.NodeId;
import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes the {@code a} dictionary of each query method. */
final class QueryArgsCodec {
  private static final int ED25519_KEY = 32;
  private static final int ED25519_SIG = 64;

  private QueryArgsCodec() {
  }

  static BDictionary encode(Query q) {
    BDictionary.Builder a = BDictionary.builder().put("id", q.sender().bytes());
    QueryArgs args = q.args();
    if (args instanceof QueryArgs.FindNode f) {
      a.put("target", f.target().bytes());
      want(a, f.want());
    } else if (args instanceof QueryArgs.GetPeers g) {
      a.put("info_hash", g.infoHash().bytes());
      want(a, g.want());
    } else if (args instanceof QueryArgs.AnnouncePeer ap) {
      a.put("info_hash", ap.infoHash().bytes()).put("port", ap.port()).put("token", ap.token());
      if (ap.impliedPort()) {
        a.put("implied_port", 1);
      }
      if (ap.seed()) {
        a.put("seed", 1);
      }
    } else if (args instanceof QueryArgs.Get g) {
      a.put("target", g.target().bytes());
      if (g.seq() != null) {
        a.put("seq", g.seq());
      }
      want(a, g.want());
    } else if (args instanceof QueryArgs.Put p) {
      a.put("token", p.token()).put("v", p.v()).putIfPresent("k", p.k())
          .putIfPresent("sig", p.sig()).putIfPresent("salt", p.salt());
      if (p.seq() != null) {
        a.put("seq", p.seq());
      }
      if (p.cas() != null) {
        a.put("cas", p.cas());
      }
    } else if (args instanceof QueryArgs.SampleInfohashes s) {
      a.put("target", s.target().bytes());
      want(a, s.want());
    } else if (args instanceof QueryArgs.Unknown u) {
      if (u.target() != null) {
        a.put("target", u.target().bytes());
      }
      want(a, u.want());
    }
    return a.build();
  }

  static QueryArgs decode(String method, BDictionary a, TransactionId tid)
      throws MalformedMessageException {
    switch (method) {
      case "ping":
        return new QueryArgs.Ping();
      case "find_node":
        return new QueryArgs.FindNode(required(a, "target", tid), want(a));
      case "get_peers":
        return new QueryArgs.GetPeers(required(a, "info_hash", tid), want(a));
      case "announce_peer":
        return announce(a, tid);
      case "get":
        return new QueryArgs.Get(required(a, "target", tid), a.integer("seq"), want(a));
      case "put":
        return put(a, tid);
      case "sample_infohashes":
        return new QueryArgs.SampleInfohashes(required(a, "target", tid), want(a));
      default:
        return unknown(method, a);
    }
  }

  private static QueryArgs announce(BDictionary a, TransactionId tid)
      throws MalformedMessageException {
    NodeId infoHash = required(a, "info_hash", tid);
    Long implied = a.integer("implied_port");
    boolean impliedPort = implied != null && implied != 0;
    Long port = a.integer("port");
    if (!impliedPort && (port == null || port < 1 || port > 65535)) {
      throw new MalformedMessageException("announce_peer with bad port", tid, true);
    }
    BString token = string(a, "token", tid);
    Long seed = a.integer("seed");
    return new QueryArgs.AnnouncePeer(infoHash, port == null ? 0 : port.intValue(), impliedPort,
        token, seed != null && seed != 0);
  }

  private static QueryArgs put(BDictionary a, TransactionId tid) throws MalformedMessageException {
    BString token = string(a, "token", tid);
    BValue v = a.get("v");
    if (v == null) {
      throw new MalformedMessageException("put without v", tid, true);
    }
    BValue k = a.get("k");
    BValue sig = a.get("sig");
    BValue salt = a.get("salt");
    Long seq = a.integer("seq");
    if (k != null) {
      if (!(k instanceof BString ks) || ks.length() != ED25519_KEY) {
        throw new MalformedMessageException("put with a k that is not 32 bytes", tid, true);
      }
      if (!(sig instanceof BString ss) || ss.length() != ED25519_SIG) {
        throw new MalformedMessageException("mutable put without a 64-byte sig", tid, true);
      }
      if (seq == null) {
        throw new MalformedMessageException("mutable put without seq", tid, true);
      }
    }
    if (salt != null && !(salt instanceof BString)) {
      throw new MalformedMessageException("salt is not a string", tid, true);
    }
    if (sig != null && !(sig instanceof BString)) {
      throw new MalformedMessageException("sig is not a string", tid, true);
    }
    return new QueryArgs.Put(token, v, (BString) k, (BString) sig, seq, a.integer("cas"),
        (BString) salt);
  }

  private static QueryArgs unknown(String method, BDictionary a) {
    byte[] target = a.bytes("target");
    if (target == null || target.length != NodeId.LENGTH) {
      target = a.bytes("info_hash");
    }
    NodeId id = target != null && target.length == NodeId.LENGTH ? NodeId.of(target) : null;
    return new QueryArgs.Unknown(method, id, want(a));
  }

  private static NodeId required(BDictionary a, String key, TransactionId tid)
      throws MalformedMessageException {
    return KrpcCodec.id(a.bytes(key), key, tid, true);
  }

  private static BString string(BDictionary a, String key, TransactionId tid)
      throws MalformedMessageException {
    if (a.get(key) instanceof BString s) {
      return s;
    }
    throw new MalformedMessageException("missing '" + key + "'", tid, true);
  }

  private static Want want(BDictionary a) {
    BList list = a.list("want");
    if (list == null) {
      return Want.UNSPECIFIED;
    }
    boolean v4 = false;
    boolean v6 = false;
    for (BValue item : list.items()) {
      if (item instanceof BString s) {
        v4 |= "n4".equals(s.latin1());
        v6 |= "n6".equals(s.latin1());
      }
    }
    return new Want(v4, v6);
  }

  private static void want(BDictionary.Builder a, Want want) {
    if (want.specified()) {
      List<BValue> items = new ArrayList<>(2);
      if (want.v4()) {
        items.add(BString.of("n4"));
      }
      if (want.v6()) {
        items.add(BString.of("n6"));
      }
      a.put("want", new BList(items));
    }
  }
}
