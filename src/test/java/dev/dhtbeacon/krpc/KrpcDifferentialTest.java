package dev.dhtbeacon.krpc;

import static dev.dhtbeacon.krpc.KrpcFuzzMessages.plainDifference;
import static dev.dhtbeacon.krpc.KrpcFuzzMessages.toPlain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.Hex;
import dev.dhtbeacon.krpc.KrpcFuzzMessages.Kind;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import lbms.plugins.mldht.kad.DBItem;
import lbms.plugins.mldht.kad.DHT.DHTtype;
import lbms.plugins.mldht.kad.KBucketEntry;
import lbms.plugins.mldht.kad.messages.AbstractLookupRequest;
import lbms.plugins.mldht.kad.messages.AbstractLookupResponse;
import lbms.plugins.mldht.kad.messages.AnnounceRequest;
import lbms.plugins.mldht.kad.messages.ErrorMessage;
import lbms.plugins.mldht.kad.messages.FindNodeRequest;
import lbms.plugins.mldht.kad.messages.FindNodeResponse;
import lbms.plugins.mldht.kad.messages.GetPeersRequest;
import lbms.plugins.mldht.kad.messages.GetPeersResponse;
import lbms.plugins.mldht.kad.messages.GetRequest;
import lbms.plugins.mldht.kad.messages.GetResponse;
import lbms.plugins.mldht.kad.messages.MessageBase;
import lbms.plugins.mldht.kad.messages.MessageBase.Method;
import lbms.plugins.mldht.kad.messages.MessageDecoder;
import lbms.plugins.mldht.kad.messages.PingRequest;
import lbms.plugins.mldht.kad.messages.PingResponse;
import lbms.plugins.mldht.kad.messages.PutRequest;
import lbms.plugins.mldht.kad.messages.SampleRequest;
import lbms.plugins.mldht.kad.messages.SampleResponse;
import lbms.plugins.mldht.kad.messages.UnknownTypeRequest;
import org.junit.jupiter.api.Test;

/**
 * Differential tests against an independent implementation: mldht (the8472), as bundled by
 * {@code bt-dht}. Our encoder's bytes must decode, with the8472's bencode decoder, to exactly the
 * tree {@link KrpcCodec#toBencode} describes; with our own decoder to the same tree and message;
 * and mldht's KRPC layer ({@link MessageDecoder}) must read our queries, responses and errors
 * into the message classes and fields we meant.
 *
 * <p>The mldht check needs no networking: {@code MessageDecoder} takes a transaction-id mapper
 * function instead of an {@code RPCServer}, so responses are matched to their method by a lambda
 * that knows what was generated. What it cannot check: {@code ro} and {@code implied_port} (mldht
 * ignores both), unknown-method queries without a target (mldht rejects them with 204, so only
 * targeted ones are compared) and {@code want} on get/sample_infohashes beyond what it exposes.
 */
class KrpcDifferentialTest {
  private static final int MESSAGES = 100_000;
  private static final int MLDHT_SAMPLE = 2_000;

  private final KrpcCodec codec = new KrpcCodec();
  private final BDecoder ours = new BDecoder();
  private final the8472.bencode.BDecoder theirs = new the8472.bencode.BDecoder();

  @Test
  void randomMessagesDecodeTheSameWithThe8472AndWithOurDecoder() throws Exception {
    KrpcFuzzMessages gen = new KrpcFuzzMessages(0x5eed_d1ffL);
    the8472.bencode.BEncoder theirEncoder = new the8472.bencode.BEncoder();
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < MESSAGES; i++) {
      KrpcMessage m = gen.next();
      kinds.merge(kindOf(m), 1, Integer::sum);
      byte[] wire = codec.encode(m);
      BDictionary tree = codec.toBencode(m);

      Map<String, Object> decoded = theirs.decode(ByteBuffer.wrap(wire));
      String diff = plainDifference(toPlain(tree), decoded, "");
      if (diff != null) {
        fail("message " + i + " (" + m + "): the8472 decoded differently at " + diff
            + "\nwire: " + Hex.encode(wire));
      }
      ByteBuffer reencoded = theirEncoder.encode(decoded, wire.length + 64);
      byte[] theirBytes = new byte[reencoded.remaining()];
      reencoded.get(theirBytes);
      assertArrayEquals(wire, theirBytes, () -> "the8472 re-encoding differs: " + m);

      assertEquals(tree, ours.decode(wire), () -> "our decoder differs: " + m);
      KrpcMessage back = codec.decode(wire);
      assertEquals(m, back);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("differential: " + MESSAGES + " messages in " + millis + " ms " + kinds);
    assertTrue(kinds.keySet().containsAll(List.of("ping", "find_node", "get_peers",
        "announce_peer", "get", "put", "sample_infohashes", "r", "e")), kinds::toString);
  }

  @Test
  void mldhtParsesOurQueriesIntoTheExpectedMessages() throws Exception {
    KrpcFuzzMessages gen = new KrpcFuzzMessages(44);
    Kind[] kinds = {Kind.PING, Kind.FIND_NODE, Kind.GET_PEERS, Kind.GET, Kind.PUT_MUTABLE,
        Kind.PUT_IMMUTABLE, Kind.ANNOUNCE_PEER, Kind.SAMPLE_INFOHASHES, Kind.UNKNOWN_QUERY};
    Map<Kind, Integer> checked = new EnumMap<>(Kind.class);
    for (int i = 0; i < MLDHT_SAMPLE; i++) {
      Kind kind = kinds[i % kinds.length];
      Query q = (Query) gen.next(kind);
      if (q.args() instanceof QueryArgs.Unknown u && u.target() == null) {
        continue;
      }
      byte[] wire = codec.encode(q);
      MessageBase mb = mldhtParse(wire, Method.UNKNOWN);
      assertArrayEquals(q.tid().bytes(), mb.getMTID());
      assertArrayEquals(q.sender().bytes(), mb.getID().getHash());
      assertEquals(Optional.ofNullable(q.version()), mb.getVersion()
          .map(v -> new String(v, StandardCharsets.ISO_8859_1)));
      assertEquals(MessageBase.Type.REQ_MSG, mb.getType());
      QueryArgs args = q.args();
      if (args instanceof QueryArgs.Ping) {
        assertInstanceOf(PingRequest.class, mb);
      } else if (args instanceof QueryArgs.FindNode f) {
        checkLookup(assertInstanceOf(FindNodeRequest.class, mb), f.target(), f.want());
      } else if (args instanceof QueryArgs.GetPeers g) {
        GetPeersRequest r = assertInstanceOf(GetPeersRequest.class, mb);
        checkLookup(r, g.infoHash(), g.want());
        assertArrayEquals(g.infoHash().bytes(), r.getInfoHash().getHash());
      } else if (args instanceof QueryArgs.Get g) {
        GetRequest r = assertInstanceOf(GetRequest.class, mb);
        checkLookup(r, g.target(), g.want());
        assertEquals(g.seq() == null ? -1L : g.seq(), r.getSeq());
      } else if (args instanceof QueryArgs.Put p) {
        PutRequest r = assertInstanceOf(PutRequest.class, mb);
        assertArrayEquals(p.token().bytes(), r.getToken());
        assertArrayEquals(BEncoder.encode(p.v()), bytes(r.getValue()));
        assertEquals(p.mutable(), r.mutable());
        assertArrayEquals(p.k() == null ? null : p.k().bytes(), r.getPubkey());
        assertArrayEquals(p.sig() == null ? null : p.sig().bytes(), r.getSignature());
        assertArrayEquals(p.salt() == null ? null : p.salt().bytes(), r.getSalt());
        assertEquals(p.seq() == null ? -1L : p.seq(), r.getSequenceNumber());
        assertEquals(p.cas() == null ? -1L : p.cas(), r.getExpectedSequenceNumber());
        assertArrayEquals(expectedPutTarget(p), r.deriveTargetKey().getHash());
      } else if (args instanceof QueryArgs.AnnouncePeer a) {
        AnnounceRequest r = assertInstanceOf(AnnounceRequest.class, mb);
        assertArrayEquals(a.infoHash().bytes(), r.getInfoHash().getHash());
        assertEquals(a.port(), r.getPort());
        assertArrayEquals(a.token().bytes(), r.getToken());
        assertEquals(a.seed(), r.isSeed());
      } else if (args instanceof QueryArgs.SampleInfohashes s) {
        checkLookup(assertInstanceOf(SampleRequest.class, mb), s.target(), s.want());
      } else if (args instanceof QueryArgs.Unknown u) {
        checkLookup(assertInstanceOf(UnknownTypeRequest.class, mb), u.target(), u.want());
      }
      checked.merge(kind, 1, Integer::sum);
    }
    assertEquals(kinds.length, checked.size(), checked::toString);
  }

  @Test
  void mldhtParsesOurResponsesAndErrorsIntoTheExpectedMessages() throws Exception {
    KrpcFuzzMessages gen = new KrpcFuzzMessages(45);
    for (int i = 0; i < MLDHT_SAMPLE; i++) {
      Response.Builder b = Response.builder(gen.tid(), gen.id()).version(gen.version());
      InetSocketAddress ip = i % 3 == 0 ? null : i % 3 == 1 ? gen.peer4() : gen.peer6();
      b.requesterIp(ip);
      List<Contact> nodes = gen.contacts(false, 1 + gen.random().nextInt(8));
      List<Contact> nodes6 = gen.random().nextBoolean() ? gen.contacts(true, 4) : List.of();
      Method method;
      switch (i % 6) {
        case 0 -> method = Method.PING;
        case 1 -> {
          method = Method.FIND_NODE;
          b.nodes(nodes, nodes6);
        }
        case 2 -> {
          method = Method.GET_PEERS;
          List<InetSocketAddress> values = List.of(gen.peer4(), gen.peer6(), gen.peer4());
          b.nodes(nodes, nodes6).token(gen.bytes(1, 20)).values(values);
        }
        case 3 -> {
          method = Method.GET;
          b.nodes(nodes, nodes6).token(gen.bytes(1, 20)).item(gen.value(3, 200),
              gen.bytes(32, 32), gen.bytes(64, 64), (long) gen.random().nextInt(1_000_000));
        }
        case 4 -> {
          method = Method.SAMPLE_INFOHASHES;
          List<NodeId> samples = new ArrayList<>();
          for (int s = gen.random().nextInt(20); s > 0; s--) {
            samples.add(gen.id());
          }
          b.nodes(nodes, nodes6).samples(samples, gen.random().nextInt(21_601),
              gen.random().nextInt(100_000));
        }
        default -> method = null;
      }
      if (method == null) {
        ErrorReply e = new ErrorReply(gen.tid(), gen.errorCode(), gen.text(10), null);
        ErrorMessage em = assertInstanceOf(ErrorMessage.class,
            mldhtParse(codec.encode(e), Method.PING));
        assertEquals(e.code(), em.getCode());
        assertEquals(e.message(), em.getMessage());
        assertArrayEquals(e.tid().bytes(), em.getMTID());
        continue;
      }
      Response r = b.build();
      MessageBase mb = mldhtParse(codec.encode(r), method);
      assertEquals(MessageBase.Type.RSP_MSG, mb.getType());
      assertArrayEquals(r.tid().bytes(), mb.getMTID());
      assertArrayEquals(r.sender().bytes(), mb.getID().getHash());
      assertEquals(ip, mb.getPublicIP());
      if (method == Method.PING) {
        assertInstanceOf(PingResponse.class, mb);
        continue;
      }
      AbstractLookupResponse lookup = assertInstanceOf(AbstractLookupResponse.class, mb);
      assertEquals(describe(r.nodes()), describe(lookup, DHTtype.IPV4_DHT));
      assertEquals(describe(r.nodes6()), describe(lookup, DHTtype.IPV6_DHT));
      switch (method) {
        case FIND_NODE -> assertInstanceOf(FindNodeResponse.class, mb);
        case GET_PEERS -> {
          GetPeersResponse gp = assertInstanceOf(GetPeersResponse.class, mb);
          assertArrayEquals(r.token().bytes(), gp.getToken());
          List<String> peers = gp.getPeerItems().stream().map(DBItem::getData).map(Hex::encode)
              .collect(Collectors.toList());
          assertEquals(r.values().stream().map(Endpoints::compact).map(Hex::encode).toList(),
              peers);
        }
        case GET -> {
          GetResponse g = assertInstanceOf(GetResponse.class, mb);
          assertArrayEquals(BEncoder.encode(r.v()), bytes(g.getRawValue()));
          assertArrayEquals(r.k().bytes(), g.getPubkey());
          assertArrayEquals(r.sig().bytes(), g.getSignature());
          assertEquals(r.seq(), g.getSequenceNumber());
          assertArrayEquals(r.token().bytes(), g.getToken());
        }
        case SAMPLE_INFOHASHES -> {
          SampleResponse s = assertInstanceOf(SampleResponse.class, mb);
          assertEquals(r.samples().stream().map(NodeId::hex).toList(),
              s.getSamples().stream().map(k -> Hex.encode(k.getHash())).toList());
          assertEquals(r.interval().intValue(), s.interval());
          assertEquals(r.num().longValue(), s.num());
        }
        default -> fail(method.toString());
      }
    }
  }

  // ---- helpers

  private MessageBase mldhtParse(byte[] wire, Method responseMethod) throws Exception {
    MessageDecoder decoder = new MessageDecoder(tid -> Optional.of(responseMethod),
        DHTtype.IPV4_DHT);
    decoder.toDecode(ByteBuffer.wrap(wire), theirs.decode(ByteBuffer.wrap(wire)));
    MessageBase mb = decoder.parseMessage();
    if (mb == null) {
      fail("mldht returned no message for " + Hex.encode(wire));
    }
    return mb;
  }

  private static void checkLookup(AbstractLookupRequest r, NodeId target, Want want) {
    assertArrayEquals(target.bytes(), r.getTarget().getHash());
    // Without want, mldht assumes its own family (IPv4 here).
    assertEquals(want.specified() ? want.v4() : true, r.doesWant4(), "want n4");
    assertEquals(want.v6(), r.doesWant6(), "want n6");
  }

  private static byte[] expectedPutTarget(QueryArgs.Put p) throws Exception {
    java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
    if (p.mutable()) {
      sha1.update(p.k().bytes());
      if (p.salt() != null) {
        sha1.update(p.salt().bytes());
      }
      return sha1.digest();
    }
    return sha1.digest(BEncoder.encode(p.v()));
  }

  private static List<String> describe(List<Contact> contacts) {
    return contacts.stream().map(c -> c.id().hex() + "@" + Endpoints.format(c.address()))
        .toList();
  }

  private static List<String> describe(AbstractLookupResponse r, DHTtype type) {
    var list = r.getNodes(type);
    if (list == null) {
      return List.of();
    }
    return list.entries().map((KBucketEntry e) -> Hex.encode(e.getID().getHash()) + "@"
        + Endpoints.format(e.getAddress())).toList();
  }

  private static byte[] bytes(Object buffer) {
    ByteBuffer b = ((ByteBuffer) buffer).duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static String kindOf(KrpcMessage m) {
    if (m instanceof Query q) {
      return q.args() instanceof QueryArgs.Unknown ? "unknown" : q.method();
    }
    return m instanceof Response ? "r" : "e";
  }

  @Test
  void plainDifferenceNoticesDifferences() {
    assertNull(plainDifference(Map.of("a", List.of(1L, new byte[] {1})),
        Map.of("a", List.of(1L, new byte[] {1})), ""));
    assertTrue(plainDifference(Map.of("a", new byte[] {1}), Map.of("a", new byte[] {2}), "")
        != null);
    assertTrue(plainDifference(List.of(1L), List.of(new java.math.BigInteger("1")), "") != null);
    assertTrue(plainDifference(Map.of("a", 1L), Map.of("b", 1L), "") != null);
  }
}
