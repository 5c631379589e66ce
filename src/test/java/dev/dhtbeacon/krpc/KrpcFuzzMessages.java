package dev.dhtbeacon.krpc;

import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BInteger;
import dev.dhtbeacon.bencode.BList;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded generator of random, valid KRPC messages of every kind, for the differential and fuzz
 * tests (not a test itself). Every message it makes survives {@code decode(encode(m))}
 * unchanged: ports are never 0, IPv6 addresses are global unicast (never IPv4-mapped), node
 * lists hold their own family, intervals are within what the decoder keeps.
 */
public final class KrpcFuzzMessages {
  /** Query kinds, with the wire method name. */
  public enum Kind {
    PING, FIND_NODE, GET_PEERS, ANNOUNCE_PEER, GET, PUT_MUTABLE, PUT_IMMUTABLE,
    SAMPLE_INFOHASHES, UNKNOWN_QUERY, RESPONSE, ERROR
  }

  private static final String[] METHODS = {"vote", "find_value", "x", "scrape", "get_peers2"};
  private static final String[] TEXT = {"a", "Z", " ", "é", "€", "\uD83D\uDE00", "ø", "0",
      "Generic Error", "ñ", "\u4E2D"};

  private final Random random;

  public KrpcFuzzMessages(long seed) {
    this.random = new Random(seed);
  }

  public Random random() {
    return random;
  }

  /** Any kind: 60% queries (all methods), 30% responses, 10% errors. */
  public KrpcMessage next() {
    int roll = random.nextInt(100);
    if (roll < 60) {
      Kind[] queries = {Kind.PING, Kind.FIND_NODE, Kind.GET_PEERS, Kind.ANNOUNCE_PEER, Kind.GET,
          Kind.PUT_MUTABLE, Kind.PUT_IMMUTABLE, Kind.SAMPLE_INFOHASHES, Kind.UNKNOWN_QUERY};
      return next(queries[random.nextInt(queries.length)]);
    }
    return next(roll < 90 ? Kind.RESPONSE : Kind.ERROR);
  }

  public KrpcMessage next(Kind kind) {
    switch (kind) {
      case RESPONSE:
        return response();
      case ERROR:
        return new ErrorReply(tid(), errorCode(), text(random.nextInt(30)), version());
      default:
        return new Query(tid(), id(), random.nextInt(10) == 0, version(), args(kind));
    }
  }

  private QueryArgs args(Kind kind) {
    switch (kind) {
      case PING:
        return new QueryArgs.Ping();
      case FIND_NODE:
        return new QueryArgs.FindNode(id(), want());
      case GET_PEERS:
        return new QueryArgs.GetPeers(id(), want());
      case ANNOUNCE_PEER:
        return new QueryArgs.AnnouncePeer(id(), port(), random.nextBoolean(), bytes(1, 20),
            random.nextInt(4) == 0);
      case GET:
        return new QueryArgs.Get(id(), random.nextBoolean() ? null : seq(), want());
      case PUT_MUTABLE:
        return new QueryArgs.Put(bytes(1, 20), value(3, 30), bytes(32, 32), bytes(64, 64), seq(),
            random.nextInt(3) == 0 ? seq() : null,
            random.nextBoolean() ? bytes(1, 64) : null);
      case PUT_IMMUTABLE:
        return new QueryArgs.Put(bytes(1, 20), value(3, 30), null, null, null, null, null);
      case SAMPLE_INFOHASHES:
        return new QueryArgs.SampleInfohashes(id(), want());
      case UNKNOWN_QUERY:
        return new QueryArgs.Unknown(METHODS[random.nextInt(METHODS.length)],
            random.nextInt(4) == 0 ? null : id(), want());
      default:
        throw new IllegalArgumentException(kind.toString());
    }
  }

  private Response response() {
    Response.Builder b = Response.builder(tid(), id()).version(version());
    if (random.nextInt(3) == 0) {
      b.requesterIp(random.nextBoolean() ? peer4() : peer6());
    }
    b.nodes(random.nextInt(3) == 0 ? List.of() : contacts(false, random.nextInt(9)),
        random.nextInt(3) == 0 ? contacts(true, random.nextInt(9)) : List.of());
    if (random.nextBoolean()) {
      b.token(bytes(0, 20));
    }
    if (random.nextInt(4) == 0) {
      List<InetSocketAddress> values = new ArrayList<>();
      for (int i = random.nextInt(12); i > 0; i--) {
        values.add(random.nextInt(4) == 0 ? peer6() : peer4());
      }
      b.values(values);
    }
    int item = random.nextInt(6);
    if (item == 0) {
      b.item(value(3, 200), null, null, null);
    } else if (item == 1) {
      b.item(value(3, 200), bytes(32, 32), bytes(64, 64), seq());
    } else if (item == 2) {
      b.item(null, null, null, seq());
    }
    if (random.nextInt(5) == 0) {
      List<NodeId> samples = new ArrayList<>();
      for (int i = random.nextInt(20); i > 0; i--) {
        samples.add(id());
      }
      b.samples(samples, random.nextInt(21_601), random.nextInt(10) == 0
          ? random.nextLong() : random.nextInt(100_000));
    }
    return b.build();
  }

  // ---- building blocks

  public TransactionId tid() {
    return TransactionId.of(raw(1, 8));
  }

  public NodeId id() {
    return NodeId.random(random);
  }

  /** Null in a third of cases, else 0..16 arbitrary bytes as ISO-8859-1. */
  public String version() {
    if (random.nextInt(3) == 0) {
      return null;
    }
    return new String(raw(0, 16), StandardCharsets.ISO_8859_1);
  }

  public Want want() {
    Want[] all = {Want.UNSPECIFIED, Want.V4, Want.V6, Want.BOTH};
    return all[random.nextInt(all.length)];
  }

  public int port() {
    return 1 + random.nextInt(65_535);
  }

  public long seq() {
    int roll = random.nextInt(10);
    if (roll == 0) {
      return random.nextLong();
    }
    if (roll == 1) {
      return random.nextBoolean() ? Long.MAX_VALUE : 0;
    }
    return random.nextInt(1_000_000);
  }

  public int errorCode() {
    int[] codes = {201, 202, 203, 204, 205, 206, 207, 301, 302};
    return random.nextInt(5) == 0 ? random.nextInt() : codes[random.nextInt(codes.length)];
  }

  public InetSocketAddress peer4() {
    return address(raw(4, 4), port());
  }

  /** A global unicast (2000::/3) address, never an IPv4-mapped one. */
  public InetSocketAddress peer6() {
    byte[] ip = raw(16, 16);
    ip[0] = (byte) (0x20 | (ip[0] & 0x1f));
    return address(ip, port());
  }

  public List<Contact> contacts(boolean ipv6, int count) {
    List<Contact> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(new Contact(id(), ipv6 ? peer6() : peer4()));
    }
    return out;
  }

  public byte[] raw(int min, int max) {
    byte[] b = new byte[min + random.nextInt(max - min + 1)];
    random.nextBytes(b);
    return b;
  }

  public BString bytes(int min, int max) {
    return BString.of(raw(min, max));
  }

  /** Valid UTF-8 text of about {@code pieces} characters, some outside ASCII. */
  public String text(int pieces) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      sb.append(TEXT[random.nextInt(TEXT.length)]);
    }
    return sb.toString();
  }

  /**
   * A random bencode value nested at most {@code depth} levels, strings up to
   * {@code maxString} bytes; dictionary keys are arbitrary bytes (including ≥ 0x80).
   */
  public BValue value(int depth, int maxString) {
    int roll = random.nextInt(depth <= 0 ? 2 : 4);
    switch (roll) {
      case 0:
        return bytes(0, maxString);
      case 1:
        return new BInteger(integer());
      case 2: {
        List<BValue> items = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
          items.add(value(depth - 1, maxString));
        }
        return new BList(items);
      }
      default: {
        BDictionary.Builder d = BDictionary.builder();
        for (int i = random.nextInt(5); i > 0; i--) {
          d.put(new String(raw(0, 6), StandardCharsets.ISO_8859_1), value(depth - 1, maxString));
        }
        return d.build();
      }
    }
  }

  private long integer() {
    switch (random.nextInt(6)) {
      case 0:
        return random.nextLong();
      case 1:
        long[] edges = {0, -1, 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
            Integer.MAX_VALUE + 1L, Integer.MIN_VALUE - 1L};
        return edges[random.nextInt(edges.length)];
      default:
        return random.nextInt(2001) - 1000;
    }
  }

  private static InetSocketAddress address(byte[] ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }

  // ---- mutation

  private static final byte[] SIGNIFICANT = "dlie:0123456789-".getBytes(StandardCharsets.US_ASCII);

  /**
   * One to three random edits of {@code seed}: bit flips, truncations, insertions (often of a
   * bencode-significant byte), deletions, byte swaps, duplicated slices and overwrites.
   */
  public static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed.clone();
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      int len = b.length;
      switch (random.nextInt(7)) {
        case 0 -> {
          if (len > 0) {
            b[random.nextInt(len)] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> b = java.util.Arrays.copyOf(b, len == 0 ? 0 : random.nextInt(len));
        case 2 -> {
          int at = random.nextInt(len + 1);
          byte[] out = new byte[len + 1];
          System.arraycopy(b, 0, out, 0, at);
          out[at] = random.nextBoolean() ? SIGNIFICANT[random.nextInt(SIGNIFICANT.length)]
              : (byte) random.nextInt(256);
          System.arraycopy(b, at, out, at + 1, len - at);
          b = out;
        }
        case 3 -> {
          if (len > 0) {
            int at = random.nextInt(len);
            byte[] out = new byte[len - 1];
            System.arraycopy(b, 0, out, 0, at);
            System.arraycopy(b, at + 1, out, at, len - at - 1);
            b = out;
          }
        }
        case 4 -> {
          if (len > 1) {
            int i = random.nextInt(len);
            int j = random.nextInt(len);
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
          }
        }
        case 5 -> {
          if (len > 0) {
            int from = random.nextInt(len);
            int count = Math.min(len - from, 1 + random.nextInt(24));
            int at = random.nextInt(len + 1);
            byte[] out = new byte[len + count];
            System.arraycopy(b, 0, out, 0, at);
            System.arraycopy(b, from, out, at, count);
            System.arraycopy(b, at, out, at + count, len - at);
            b = out;
          }
        }
        default -> {
          if (len > 0) {
            b[random.nextInt(len)] = SIGNIFICANT[random.nextInt(SIGNIFICANT.length)];
          }
        }
      }
    }
    return b;
  }

  // ---- plain Java views, the shapes the8472's decoder produces

  /** byte[] for strings, Long for integers, List, and Map keyed by ISO-8859-1 strings. */
  public static Object toPlain(BValue value) {
    if (value instanceof BString s) {
      return s.bytes();
    }
    if (value instanceof BInteger i) {
      return i.value();
    }
    if (value instanceof BList l) {
      List<Object> out = new ArrayList<>(l.items().size());
      for (BValue item : l.items()) {
        out.add(toPlain(item));
      }
      return out;
    }
    BDictionary d = (BDictionary) value;
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, BValue> e : d.entries().entrySet()) {
      out.put(e.getKey(), toPlain(e.getValue()));
    }
    return out;
  }

  /**
   * Null when {@code expected} and {@code actual} are structurally equal plain values (byte
   * arrays by content), else a description of the first difference.
   */
  public static String plainDifference(Object expected, Object actual, String path) {
    if (expected instanceof byte[] e) {
      if (!(actual instanceof byte[] a)) {
        return path + ": expected byte[], got " + typeOf(actual);
      }
      return java.util.Arrays.equals(e, a) ? null : path + ": bytes differ";
    }
    if (expected instanceof Long e) {
      if (!(actual instanceof Long a)) {
        return path + ": expected Long " + e + ", got " + typeOf(actual) + " " + actual;
      }
      return e.equals(a) ? null : path + ": expected " + e + ", got " + a;
    }
    if (expected instanceof List<?> e) {
      if (!(actual instanceof List<?> a)) {
        return path + ": expected List, got " + typeOf(actual);
      }
      if (e.size() != a.size()) {
        return path + ": list size " + e.size() + " vs " + a.size();
      }
      for (int i = 0; i < e.size(); i++) {
        String d = plainDifference(e.get(i), a.get(i), path + "[" + i + "]");
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (expected instanceof Map<?, ?> e) {
      if (!(actual instanceof Map<?, ?> a)) {
        return path + ": expected Map, got " + typeOf(actual);
      }
      if (!e.keySet().equals(a.keySet())) {
        return path + ": keys " + e.keySet() + " vs " + a.keySet();
      }
      for (Map.Entry<?, ?> entry : e.entrySet()) {
        String d = plainDifference(entry.getValue(), a.get(entry.getKey()),
            path + "." + entry.getKey());
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    return path + ": unexpected expected-type " + typeOf(expected);
  }

  private static String typeOf(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }
}
