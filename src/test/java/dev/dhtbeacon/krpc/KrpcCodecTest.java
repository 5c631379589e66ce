package dev.dhtbeacon.krpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BInteger;
import dev.dhtbeacon.bencode.BList;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** KRPC encoding and decoding: every message kind, the BEP 5 wire examples, and malformed input. */
class KrpcCodecTest {
  private static final NodeId ABC = id("abcdefghij0123456789");
  private static final NodeId MNO = id("mnopqrstuvwxyz123456");
  private static final TransactionId AA = TransactionId.of(latin1("aa"));

  private final KrpcCodec codec = new KrpcCodec();
  private final Random random = new Random(5);

  // ---- round trips of every kind

  @Test
  void ping() throws Exception {
    Query q = (Query) roundTrip(new Query(AA, ABC, false, null, new QueryArgs.Ping()));
    assertEquals("ping", q.method());
    assertEquals(ABC, q.sender());
    assertEquals(AA, q.tid());
    assertFalse(q.readOnly());
    assertNull(q.version());

    Query ro = (Query) roundTrip(new Query(TransactionId.ofInt(0x01020304), ABC, true,
        "LT\u0001\u00ff", new QueryArgs.Ping()));
    assertTrue(ro.readOnly());
    assertEquals("LT\u0001\u00ff", ro.version());
    assertEquals(0x01020304L, ro.tid().asOurs());
    assertTrue(wire(ro).contains("2:roi1e"));
    assertTrue(wire(ro).contains("1:v4:LT\u0001\u00ff"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"UNSPECIFIED", "V4", "V6", "BOTH"})
  void findNodeWithWant(String name) throws Exception {
    Want want = switch (name) {
      case "V4" -> Want.V4;
      case "V6" -> Want.V6;
      case "BOTH" -> Want.BOTH;
      default -> Want.UNSPECIFIED;
    };
    Query q = (Query) roundTrip(query(new QueryArgs.FindNode(MNO, want)));
    QueryArgs.FindNode f = assertInstanceOf(QueryArgs.FindNode.class, q.args());
    assertEquals(MNO, f.target());
    assertEquals(want, f.want());
    String expectedWant = switch (name) {
      case "V4" -> "4:wantl2:n4e";
      case "V6" -> "4:wantl2:n6e";
      case "BOTH" -> "4:wantl2:n42:n6e";
      default -> "";
    };
    assertEquals("d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456"
        + expectedWant + "e1:q9:find_node1:t2:aa1:y1:qe", wire(q));
  }

  @Test
  void getPeers() throws Exception {
    Query q = (Query) roundTrip(query(new QueryArgs.GetPeers(MNO, Want.V6)));
    assertEquals(new QueryArgs.GetPeers(MNO, Want.V6), q.args());
  }

  @Test
  void announcePeer() throws Exception {
    BString token = BString.of("aoeusnth");
    for (boolean implied : new boolean[] {false, true}) {
      for (boolean seed : new boolean[] {false, true}) {
        Query q = (Query) roundTrip(query(new QueryArgs.AnnouncePeer(MNO, 6881, implied, token,
            seed)));
        QueryArgs.AnnouncePeer a = assertInstanceOf(QueryArgs.AnnouncePeer.class, q.args());
        assertEquals(MNO, a.infoHash());
        assertEquals(6881, a.port());
        assertEquals(implied, a.impliedPort());
        assertEquals(seed, a.seed());
        assertEquals(token, a.token());
        assertEquals(implied, wire(q).contains("12:implied_porti1e"));
      }
    }
    // With implied_port the port may be absent.
    Query q = (Query) codec.decode(latin1("d1:ad2:id20:abcdefghij012345678912:implied_porti1e"
        + "9:info_hash20:mnopqrstuvwxyz1234565:token1:xe1:q13:announce_peer1:t2:aa1:y1:qe"));
    QueryArgs.AnnouncePeer a = (QueryArgs.AnnouncePeer) q.args();
    assertTrue(a.impliedPort());
    assertEquals(0, a.port());
  }

  @Test
  void getWithAndWithoutSeq() throws Exception {
    Query withSeq = (Query) roundTrip(query(new QueryArgs.Get(MNO, 42L, Want.UNSPECIFIED)));
    assertEquals(42L, ((QueryArgs.Get) withSeq.args()).seq());
    assertTrue(wire(withSeq).contains("3:seqi42e"));
    Query without = (Query) roundTrip(query(new QueryArgs.Get(MNO, null, Want.BOTH)));
    assertNull(((QueryArgs.Get) without.args()).seq());
    assertFalse(wire(without).contains("seq"));
  }

  @Test
  void putMutableWithSaltAndCas() throws Exception {
    BValue v = BDictionary.builder().put("msg", "hello").put("n", new BList(List.of(
        new BInteger(1), BString.of(new byte[] {(byte) 0xff})))).build();
    QueryArgs.Put put = new QueryArgs.Put(BString.of("tok"), v, bytes(32), bytes(64), 7L, 6L,
        BString.of("salt"));
    Query q = (Query) roundTrip(query(put));
    QueryArgs.Put back = assertInstanceOf(QueryArgs.Put.class, q.args());
    assertEquals(put, back);
    assertTrue(back.mutable());
    // Keys in canonical order; v is written as the canonical encoding of the value.
    String w = wire(q);
    int[] at = {w.indexOf("3:casi6e"), w.indexOf("2:id20:"), w.indexOf("1:k32:"),
        w.indexOf("4:salt4:salt"), w.indexOf("3:seqi7e"), w.indexOf("3:sig64:"),
        w.indexOf("5:token3:tok"), w.indexOf("1:vd3:msg5:hello1:nli1e1:\u00ffee")};
    for (int i = 0; i < at.length; i++) {
      assertTrue(at[i] > 0 && (i == 0 || at[i] > at[i - 1]), w);
    }
  }

  @Test
  void putImmutable() throws Exception {
    QueryArgs.Put put = new QueryArgs.Put(BString.of("tok"), BString.of("Hello World!"), null,
        null, null, null, null);
    Query q = (Query) roundTrip(query(put));
    assertFalse(((QueryArgs.Put) q.args()).mutable());
    assertEquals("d1:ad2:id20:abcdefghij01234567895:token3:tok1:v12:Hello World!e"
        + "1:q3:put1:t2:aa1:y1:qe", wire(q));
  }

  @Test
  void sampleInfohashes() throws Exception {
    Query q = (Query) roundTrip(query(new QueryArgs.SampleInfohashes(MNO, Want.V4)));
    assertEquals("sample_infohashes", q.method());
    assertEquals(MNO, ((QueryArgs.SampleInfohashes) q.args()).target());
  }

  @Test
  void unknownMethods() throws Exception {
    Query q = (Query) roundTrip(query(new QueryArgs.Unknown("vote", MNO, Want.UNSPECIFIED)));
    assertEquals("vote", q.method());
    assertEquals(new QueryArgs.Unknown("vote", MNO, Want.UNSPECIFIED), q.args());
    roundTrip(query(new QueryArgs.Unknown("vote", MNO, Want.BOTH)));
    roundTrip(query(new QueryArgs.Unknown("x", null, Want.UNSPECIFIED)));
    // An info_hash stands in for a target; other keys are ignored.
    Query viaInfoHash = (Query) codec.decode(latin1("d1:ad5:extrai1e2:id20:abcdefghij0123456789"
        + "9:info_hash20:mnopqrstuvwxyz123456e1:q6:scrape1:t2:aa1:y1:qe"));
    assertEquals(new QueryArgs.Unknown("scrape", MNO, Want.UNSPECIFIED), viaInfoHash.args());
    // A target of the wrong length is no target.
    Query badTarget = (Query) codec.decode(latin1("d1:ad2:id20:abcdefghij01234567896:target"
        + "3:abce1:q4:vote1:t2:aa1:y1:qe"));
    assertNull(((QueryArgs.Unknown) badTarget.args()).target());
  }

  @Test
  void responsesWithNodesTokenAndValues() throws Exception {
    List<Contact> nodes = contacts(false, 8);
    List<Contact> nodes6 = contacts(true, 3);
    List<InetSocketAddress> values = List.of(peer("192.0.2.4:6881"), peer("[2001:db8::1]:51413"),
        peer("255.255.255.255:65535"));
    Response r = (Response) roundTrip(Response.builder(AA, ABC).nodes(nodes, nodes6)
        .token(BString.of("aoeusnth")).values(values).version("UT\u00b1\u0000").build());
    assertEquals(nodes, r.nodes());
    assertEquals(nodes6, r.nodes6());
    assertEquals(BString.of("aoeusnth"), r.token());
    assertEquals(values, r.values());
    assertEquals("UT\u00b1\u0000", r.version());
    assertEquals(11, r.allNodes().size());
    BDictionary body = new BDecoder().decodeDictionary(codec.encode(r)).dictionary("r");
    assertEquals(8 * 26, body.bytes("nodes").length);
    assertEquals(3 * 38, body.bytes("nodes6").length);
    assertArrayEquals(Endpoints.compactNodes(nodes, false), body.bytes("nodes"));
  }

  @Test
  void responsesWithItemsAndSamples() throws Exception {
    BValue v = BString.of(new byte[200]);
    Response mutable = (Response) roundTrip(Response.builder(AA, ABC)
        .item(v, bytes(32), bytes(64), 1L << 40).token(BString.of("t")).build());
    assertEquals(v, mutable.v());
    assertEquals(1L << 40, mutable.seq());
    assertEquals(32, mutable.k().length());
    assertEquals(64, mutable.sig().length());
    Response immutable = (Response) roundTrip(Response.builder(AA, ABC)
        .item(new BList(List.of(new BInteger(-1))), null, null, null).build());
    assertEquals(new BList(List.of(new BInteger(-1))), immutable.v());
    assertNull(immutable.k());
    Response seqOnly = (Response) roundTrip(Response.builder(AA, ABC)
        .item(null, null, null, 9L).build());
    assertNull(seqOnly.v());
    assertEquals(9L, seqOnly.seq());

    List<NodeId> samples = List.of(ABC, MNO, NodeId.random(random));
    Response s = (Response) roundTrip(Response.builder(AA, ABC).samples(samples, 21_600, 1234)
        .nodes(contacts(false, 2), List.of()).build());
    assertEquals(samples, s.samples());
    assertEquals(21_600, s.interval());
    assertEquals(1234L, s.num());
    Response none = (Response) roundTrip(Response.builder(AA, ABC).samples(List.of(), 0, 0)
        .build());
    assertEquals(List.of(), none.samples());
    assertTrue(wire(none).contains("7:samples0:"));
  }

  @Test
  void responsesWithRequesterIp() throws Exception {
    for (String ip : List.of("203.0.113.9:6881", "[2001:db8:85a3::8a2e:370:7334]:443")) {
      Response r = (Response) roundTrip(Response.builder(AA, ABC).requesterIp(peer(ip)).build());
      assertEquals(peer(ip), r.requesterIp());
      BDictionary top = new BDecoder().decodeDictionary(codec.encode(r));
      assertEquals(ip.startsWith("[") ? 18 : 6, top.bytes("ip").length);
    }
    Response plain = (Response) roundTrip(Response.plain(AA, MNO));
    assertNull(plain.requesterIp());
    assertEquals("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re", wire(plain));
  }

  @Test
  void errorReplies() throws Exception {
    ErrorReply generic = (ErrorReply) roundTrip(new ErrorReply(AA, ErrorReply.GENERIC,
        "A Generic Error Ocurred", null));
    assertEquals(201, generic.code());
    assertEquals("A Generic Error Ocurred", generic.message());
    ErrorReply unicode = (ErrorReply) roundTrip(new ErrorReply(TransactionId.ofInt(-1),
        ErrorReply.CAS_MISMATCH, "café ☕ \uD83D\uDE00", "mldh"));
    assertEquals("café ☕ \uD83D\uDE00", unicode.message());
    assertEquals("mldh", unicode.version());
    roundTrip(new ErrorReply(AA, ErrorReply.METHOD_UNKNOWN, "", null));
    // A null message is written as an empty string.
    assertEquals("", ((ErrorReply) codec.decode(codec.encode(new ErrorReply(AA, 202, null,
        null)))).message());
    // Lenient reading: a code alone, or a code out of int range.
    ErrorReply codeOnly = (ErrorReply) codec.decode(latin1("d1:eli203ee1:t2:aa1:y1:ee"));
    assertEquals(203, codeOnly.code());
    assertEquals("", codeOnly.message());
    ErrorReply huge = (ErrorReply) codec.decode(latin1("d1:eli99999999999e1:xe1:t2:aa1:y1:ee"));
    assertEquals(Integer.MAX_VALUE, huge.code());
  }

  // ---- the BEP 5 wire examples

  @ParameterizedTest
  @ValueSource(strings = {
      "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe",
      "d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re",
      "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa"
          + "1:y1:qe",
      "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa"
          + "1:y1:qe",
      "d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa"
          + "1:y1:re",
      "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz123456"
          + "4:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe",
      "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"})
  void bep5ExamplesDecodeAndReencodeByteIdentically(String example) throws Exception {
    byte[] wire = latin1(example);
    KrpcMessage m = codec.decode(wire);
    assertEquals(example, new String(codec.encode(m), StandardCharsets.ISO_8859_1));
    assertEquals(AA, m.tid());
  }

  @Test
  void bep5ExampleFields() throws Exception {
    Query ping = (Query) codec.decode(latin1(
        "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"));
    assertEquals(new Query(AA, ABC, false, null, new QueryArgs.Ping()), ping);
    Query findNode = (Query) codec.decode(latin1("d1:ad2:id20:abcdefghij01234567896:target"
        + "20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe"));
    assertEquals(new QueryArgs.FindNode(MNO, Want.UNSPECIFIED), findNode.args());
    Query getPeers = (Query) codec.decode(latin1("d1:ad2:id20:abcdefghij01234567899:info_hash"
        + "20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe"));
    assertEquals(new QueryArgs.GetPeers(MNO, Want.UNSPECIFIED), getPeers.args());
    Response peers = (Response) codec.decode(latin1("d1:rd2:id20:abcdefghij01234567895:token"
        + "8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re"));
    assertEquals(List.of(Endpoints.fromCompact(latin1("axje.u")),
        Endpoints.fromCompact(latin1("idhtnm"))), peers.values());
    assertEquals("97.120.106.101:11893", Endpoints.format(peers.values().get(0)));
    assertEquals(BString.of("aoeusnth"), peers.token());
    Query announce = (Query) codec.decode(latin1("d1:ad2:id20:abcdefghij012345678912:implied_port"
        + "i1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer"
        + "1:t2:aa1:y1:qe"));
    assertEquals(new QueryArgs.AnnouncePeer(MNO, 6881, true, BString.of("aoeusnth"), false),
        announce.args());
    ErrorReply error = (ErrorReply) codec.decode(latin1(
        "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"));
    assertEquals(new ErrorReply(AA, 201, "A Generic Error Ocurred", null), error);
  }

  @Test
  void bep5PlaceholderNodeListsAreReadLeniently() throws Exception {
    // BEP 5 writes "def456..." where compact node info goes: 9 bytes, no whole 26-byte record.
    Response findNode = (Response) codec.decode(latin1(
        "d1:rd2:id20:0123456789abcdefghij5:nodes9:def456...e1:t2:aa1:y1:re"));
    assertEquals(List.of(), findNode.nodes());
    assertEquals(id("0123456789abcdefghij"), findNode.sender());
    Response getPeers = (Response) codec.decode(latin1("d1:rd2:id20:abcdefghij01234567895:nodes"
        + "9:def456...5:token8:aoeusnthe1:t2:aa1:y1:re"));
    assertEquals(BString.of("aoeusnth"), getPeers.token());
    assertEquals(List.of(), getPeers.nodes());
    // With a real record and a ragged tail, the whole record is kept.
    Contact c = new Contact(MNO, peer("198.51.100.1:6881"));
    byte[] record = Endpoints.compactNodes(List.of(c), false);
    byte[] ragged = java.util.Arrays.copyOf(record, record.length + 5);
    BDictionary top = BDictionary.builder().put("t", "aa").put("y", "r").put("r",
        BDictionary.builder().put("id", ABC.bytes()).put("nodes", ragged).build()).build();
    assertEquals(List.of(c), ((Response) codec.decode(top)).nodes());
  }

  @Test
  void lenientAboutExtras() throws Exception {
    // Unknown keys are ignored, long versions dropped, zero ports and odd-sized values skipped,
    // intervals clamped to six hours.
    String msg = "d1:rd2:id20:abcdefghij01234567898:intervali99999e3:numi5e7:samples20:"
        + "mnopqrstuvwxyz1234566:valuesl6:\u00c0\u0000\u0002\u0004\u0000\u00005:short"
        + "6:\u00c0\u0000\u0002\u0004\u0000\u0001i7eee1:t2:aa1:v17:12345678901234567"
        + "1:y1:r2:zzi1ee";
    Response r = (Response) codec.decode(latin1(msg));
    assertNull(r.version());
    assertEquals(List.of(peer("192.0.2.4:1")), r.values());
    assertEquals(21_600, r.interval());
    assertEquals(5L, r.num());
    assertEquals(List.of(MNO), r.samples());
  }

  // ---- malformed messages

  @Test
  void malformedMessagesCarryWhatCouldBeRead() {
    String id = "2:id20:abcdefghij0123456789";
    // missing t
    assertMalformed("d1:ad" + id + "e1:q4:ping1:y1:qe", null, true);
    // missing id
    assertMalformed("d1:ade1:q4:ping1:t2:aa1:y1:qe", AA, true);
    // 19-byte id, in a query and in a response
    assertMalformed("d1:ad2:id19:abcdefghij012345678e1:q4:ping1:t2:aa1:y1:qe", AA, true);
    assertMalformed("d1:rd2:id19:abcdefghij012345678e1:t2:aa1:y1:re", AA, false);
    // id that is not a string
    assertMalformed("d1:ad2:idi1ee1:q4:ping1:t2:aa1:y1:qe", AA, true);
    // y = x, and y missing
    assertMalformed("d1:ad" + id + "e1:q4:ping1:t2:aa1:y1:xe", AA, false);
    assertMalformed("d1:ad" + id + "e1:q4:ping1:t2:aae", AA, false);
    // query without a, a not a dictionary, query without q
    assertMalformed("d1:q4:ping1:t2:aa1:y1:qe", AA, true);
    assertMalformed("d1:ali1ee1:q4:ping1:t2:aa1:y1:qe", AA, true);
    assertMalformed("d1:ad" + id + "e1:t2:aa1:y1:qe", AA, true);
    // put with a 31-byte k, without a 64-byte sig, without seq, without v, without token
    String mutable = "1:k32:" + "k".repeat(32) + "3:seqi1e3:sig64:" + "s".repeat(64)
        + "5:token1:x1:vi1e";
    assertMalformed(put(id + mutable), null, false, false);
    assertMalformed(put(id + mutable.replace("32:" + "k".repeat(32), "31:" + "k".repeat(31))),
        AA, true);
    assertMalformed(put(id + mutable.replace("64:" + "s".repeat(64), "63:" + "s".repeat(63))),
        AA, true);
    assertMalformed(put(id + mutable.replace("3:seqi1e", "")), AA, true);
    assertMalformed(put(id + mutable.replace("1:vi1e", "")), AA, true);
    assertMalformed(put(id + mutable.replace("5:token1:x", "")), AA, true);
    assertMalformed(put(id + "4:salti1e5:token1:x1:vi1e"), AA, true);
    // An immutable put with a sig that is not a string (was a ClassCastException).
    assertMalformed(put(id + "3:sigi1e5:token1:x1:vi1e"), AA, true);
    // announce without port, with port 0 or 65536, without token or info_hash
    String ih = "9:info_hash20:mnopqrstuvwxyz123456";
    assertMalformed(announce(id + ih + "5:token1:x"), AA, true);
    assertMalformed(announce(id + ih + "4:porti0e5:token1:x"), AA, true);
    assertMalformed(announce(id + ih + "4:porti65536e5:token1:x"), AA, true);
    assertMalformed(announce(id + ih + "4:porti6881e"), AA, true);
    assertMalformed(announce(id + "4:porti6881e5:token1:x"), AA, true);
    // find_node without target or with a 21-byte one
    assertMalformed("d1:ad" + id + "e1:q9:find_node1:t2:aa1:y1:qe", AA, true);
    assertMalformed("d1:ad" + id + "6:target21:mnopqrstuvwxyz1234567e1:q9:find_node1:t2:aa"
        + "1:y1:qe", AA, true);
    // response without r; error without a code
    assertMalformed("d1:t2:aa1:y1:re", AA, false);
    assertMalformed("d1:el3:abce1:t2:aa1:y1:ee", AA, false);
    assertMalformed("d1:ele1:t2:aa1:y1:ee", AA, false);
    assertMalformed("d1:t2:aa1:y1:ee", AA, false);
    // an oversized tid, a tid that is not a string
    assertMalformed("d1:ad" + id + "e1:q4:ping1:t33:" + "t".repeat(33) + "1:y1:qe", null, true);
    assertMalformed("d1:ad" + id + "e1:q4:ping1:ti1e1:y1:qe", null, true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "le", "i1e", "d1:t2:aa1:y1:q", "d1:y1:q1:t2:aae", "garbage",
      "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qee"})
  void badBencodeIsMalformedWithoutTid(String text) {
    MalformedMessageException e = assertThrows(MalformedMessageException.class,
        () -> codec.decode(latin1(text)));
    assertNull(e.tid());
    assertFalse(e.query());
  }

  @ParameterizedTest
  @EnumSource(KrpcFuzzMessages.Kind.class)
  void randomMessagesOfEachKindRoundTrip(KrpcFuzzMessages.Kind kind) throws Exception {
    KrpcFuzzMessages gen = new KrpcFuzzMessages(kind.ordinal());
    for (int i = 0; i < 200; i++) {
      roundTrip(gen.next(kind));
    }
  }

  // ---- helpers

  /** Encodes, decodes, and checks equal fields, byte-identical re-encoding and the tree. */
  private KrpcMessage roundTrip(KrpcMessage m) throws Exception {
    byte[] wire = codec.encode(m);
    KrpcMessage back = codec.decode(wire);
    assertEquals(m, back);
    assertArrayEquals(wire, codec.encode(back));
    assertEquals(codec.toBencode(m), new BDecoder().decode(wire));
    assertEquals(back, codec.decode(codec.toBencode(m)));
    return back;
  }

  private void assertMalformed(String text, TransactionId tid, boolean query) {
    assertMalformed(text, tid, query, true);
  }

  private void assertMalformed(String text, TransactionId tid, boolean query,
      boolean malformed) {
    if (!malformed) {
      // A sanity check that the base message of a family of variants is itself valid.
      try {
        codec.decode(latin1(text));
      } catch (MalformedMessageException e) {
        throw new AssertionError("base message rejected: " + text, e);
      }
      return;
    }
    MalformedMessageException e = assertThrows(MalformedMessageException.class,
        () -> codec.decode(latin1(text)), text);
    assertEquals(tid, e.tid(), text);
    assertEquals(query, e.query(), text);
  }

  private static String put(String args) {
    return "d1:ad" + args + "e1:q3:put1:t2:aa1:y1:qe";
  }

  private static String announce(String args) {
    return "d1:ad" + args + "e1:q13:announce_peer1:t2:aa1:y1:qe";
  }

  private String wire(KrpcMessage m) {
    return new String(codec.encode(m), StandardCharsets.ISO_8859_1);
  }

  private static Query query(QueryArgs args) {
    return new Query(AA, ABC, false, null, args);
  }

  private BString bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return BString.of(b);
  }

  private List<Contact> contacts(boolean ipv6, int n) {
    List<Contact> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String ip = ipv6 ? "[2001:db8::" + Integer.toHexString(i + 1) + "]:" + (6881 + i)
          : "192.0.2." + (i + 1) + ":" + (6881 + i);
      out.add(new Contact(NodeId.random(random), peer(ip)));
    }
    return out;
  }

  private static InetSocketAddress peer(String text) {
    return Endpoints.parse(text);
  }

  private static NodeId id(String twenty) {
    return NodeId.of(latin1(twenty));
  }

  private static byte[] latin1(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
