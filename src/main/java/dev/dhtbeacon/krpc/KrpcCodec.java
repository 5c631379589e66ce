package dev.dhtbeacon.krpc;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BInteger;
import dev.dhtbeacon.bencode.BList;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.bencode.BencodeException;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns KRPC messages into bencoded bytes and back. Pure: no Netty, no I/O, thread-safe.
 *
 * <p>Decoding is strict about what the protocol needs (a 20-byte {@code id}, a known
 * {@code y}, well-formed required arguments) and lenient about the rest (unknown keys are
 * ignored, a truncated compact node list yields its whole records), as deployed peers expect.
 */
public final class KrpcCodec {
  /** The largest version string we keep from a peer; longer ones are dropped as noise. */
  private static final int MAX_VERSION = 16;

  private final BDecoder decoder;

  public KrpcCodec(BDecoder decoder) {
    this.decoder = decoder;
  }

  public KrpcCodec() {
    this(new BDecoder());
  }

  // ---- encoding

  public byte[] encode(KrpcMessage message) {
    return BEncoder.encode(toBencode(message));
  }

  /** The message as a bencode dictionary (what {@link #encode} writes). */
  public BDictionary toBencode(KrpcMessage message) {
    BDictionary.Builder top = BDictionary.builder().put("t", message.tid().bytes());
    if (message.version() != null) {
      top.put("v", message.version().getBytes(StandardCharsets.ISO_8859_1));
    }
    if (message instanceof Query q) {
      top.put("y", "q").put("q", q.method()).put("a", QueryArgsCodec.encode(q));
      if (q.readOnly()) {
        top.put("ro", 1);
      }
    } else if (message instanceof Response r) {
      top.put("y", "r").put("r", encodeResponseBody(r));
      if (r.requesterIp() != null) {
        top.put("ip", Endpoints.compact(r.requesterIp()));
      }
    } else if (message instanceof ErrorReply e) {
      top.put("y", "e").put("e", new BList(List.of(new BInteger(e.code()),
          BString.of(e.message() == null ? "" : e.message()))));
    }
    return top.build();
  }

  private static BDictionary encodeResponseBody(Response r) {
    BDictionary.Builder b = BDictionary.builder().put("id", r.sender().bytes());
    if (!r.nodes().isEmpty()) {
      b.put("nodes", Endpoints.compactNodes(r.nodes(), false));
    }
    if (!r.nodes6().isEmpty()) {
      b.put("nodes6", Endpoints.compactNodes(r.nodes6(), true));
    }
    b.putIfPresent("token", r.token());
    if (!r.values().isEmpty()) {
      List<BValue> peers = new ArrayList<>(r.values().size());
      for (InetSocketAddress peer : r.values()) {
        peers.add(BString.of(Endpoints.compact(peer)));
      }
      b.put("values", new BList(peers));
    }
    b.putIfPresent("v", r.v()).putIfPresent("k", r.k()).putIfPresent("sig", r.sig());
    if (r.seq() != null) {
      b.put("seq", r.seq());
    }
    if (r.interval() != null) {
      byte[] samples = new byte[r.samples().size() * NodeId.LENGTH];
      for (int i = 0; i < r.samples().size(); i++) {
        r.samples().get(i).copyTo(samples, i * NodeId.LENGTH);
      }
      b.put("samples", samples).put("interval", r.interval()).put("num", r.num());
    }
    return b.build();
  }

  // ---- decoding

  /**
   * Decodes one datagram.
   *
   * @throws MalformedMessageException for anything that is not a valid KRPC message
   */
  public KrpcMessage decode(byte[] datagram) throws MalformedMessageException {
    BDictionary top;
    try {
      top = decoder.decodeDictionary(datagram);
    } catch (BencodeException e) {
      throw new MalformedMessageException("bad bencode: " + e.getMessage(), null, false);
    }
    return decode(top);
  }

  /** Decodes an already parsed message dictionary. */
  public KrpcMessage decode(BDictionary top) throws MalformedMessageException {
    byte[] t = top.bytes("t");
    TransactionId tid = t == null || t.length > TransactionId.MAX_LENGTH ? null
        : TransactionId.of(t);
    String y = top.text("y");
    boolean query = "q".equals(y);
    if (tid == null) {
      throw new MalformedMessageException("missing or oversized transaction id", null, query);
    }
    String version = version(top.bytes("v"));
    if (query) {
      return decodeQuery(top, tid, version);
    }
    if ("r".equals(y)) {
      return decodeResponse(top, tid, version);
    }
    if ("e".equals(y)) {
      return decodeError(top, tid, version);
    }
    throw new MalformedMessageException("unknown message type y=" + y, tid, false);
  }

  private static Query decodeQuery(BDictionary top, TransactionId tid, String version)
      throws MalformedMessageException {
    String method = top.text("q");
    BDictionary a = top.dictionary("a");
    if (method == null || a == null) {
      throw new MalformedMessageException("query without q or a", tid, true);
    }
    NodeId sender = id(a.bytes("id"), "id", tid, true);
    Long ro = top.integer("ro");
    return new Query(tid, sender, ro != null && ro == 1, version,
        QueryArgsCodec.decode(method, a, tid));
  }

  private static Response decodeResponse(BDictionary top, TransactionId tid, String version)
      throws MalformedMessageException {
    BDictionary r = top.dictionary("r");
    if (r == null) {
      throw new MalformedMessageException("response without r", tid, false);
    }
    NodeId sender = id(r.bytes("id"), "id", tid, false);
    Response.Builder b = Response.builder(tid, sender).version(version)
        .requesterIp(Endpoints.fromCompact(top.bytes("ip")));
    b.nodes(nodes(r.bytes("nodes"), false), nodes(r.bytes("nodes6"), true));
    BValue token = r.get("token");
    if (token instanceof BString s) {
      b.token(s);
    }
    b.values(peers(r.list("values")));
    BValue k = r.get("k");
    BValue sig = r.get("sig");
    b.item(r.get("v"), k instanceof BString ks ? ks : null,
        sig instanceof BString ss ? ss : null, r.integer("seq"));
    byte[] samples = r.bytes("samples");
    Long interval = r.integer("interval");
    if (samples != null) {
      List<NodeId> list = new ArrayList<>(samples.length / NodeId.LENGTH);
      for (int at = 0; at + NodeId.LENGTH <= samples.length; at += NodeId.LENGTH) {
        list.add(NodeId.of(samples, at));
      }
      Long num = r.integer("num");
      int seconds = interval == null ? 0 : (int) Math.max(0, Math.min(interval, 21_600));
      b.samples(list, seconds, num == null ? list.size() : num);
    }
    return b.build();
  }

  private static ErrorReply decodeError(BDictionary top, TransactionId tid, String version)
      throws MalformedMessageException {
    BList e = top.list("e");
    if (e == null || e.items().isEmpty() || !(e.items().get(0) instanceof BInteger code)) {
      throw new MalformedMessageException("error without [code, message]", tid, false);
    }
    String message = e.items().size() > 1 && e.items().get(1) instanceof BString s
        ? s.utf8() : "";
    return new ErrorReply(tid, (int) Math.max(Integer.MIN_VALUE,
        Math.min(Integer.MAX_VALUE, code.value())), message, version);
  }

  static NodeId id(byte[] bytes, String key, TransactionId tid, boolean query)
      throws MalformedMessageException {
    if (bytes == null || bytes.length != NodeId.LENGTH) {
      throw new MalformedMessageException("'" + key + "' is not a 20-byte id", tid, query);
    }
    return NodeId.of(bytes);
  }

  private static List<Contact> nodes(byte[] compact, boolean ipv6) {
    return compact == null ? List.of() : Endpoints.parseNodes(compact, ipv6);
  }

  private static List<InetSocketAddress> peers(BList values) {
    if (values == null) {
      return List.of();
    }
    List<InetSocketAddress> out = new ArrayList<>(values.items().size());
    for (BValue item : values.items()) {
      if (item instanceof BString s) {
        InetSocketAddress peer = Endpoints.fromCompact(s.bytes());
        if (peer != null && peer.getPort() != 0) {
          out.add(peer);
        }
      }
    }
    return out;
  }

  private static String version(byte[] v) {
    return v == null || v.length > MAX_VERSION ? null : new String(v, StandardCharsets.ISO_8859_1);
  }
}
