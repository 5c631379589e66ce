package dev.dhtbeacon.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BList;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.crypto.Ed25519;
import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.node.RawQuerier.Exchange;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.storage.Bep44;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * BEP 44 storage over real UDP: one {@link DhtNode} on 127.0.40.1 (ephemeral port), and a raw
 * socket querier per test on 127.0.40.10 and up that first asks {@code get} for a write token,
 * then puts signed items (keys from fresh seeds, signed with {@link Ed25519}) and reads them
 * back. Every storage error code the node can answer has its own test.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ItemStorageOverUdpTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicInteger NEXT_QUERIER = new AtomicInteger(10);
  private static DhtNode node;

  private final List<RawQuerier> queriers = new ArrayList<>();
  private RawQuerier querier;

  @BeforeAll
  static void startNode() throws Exception {
    node = DhtNode.builder()
        .network(NetworkMode.LOOPBACK)
        .bind(new InetSocketAddress(Testnet.loopback(127, 0, 40, 1), 0))
        .build();
    node.start().get(10, TimeUnit.SECONDS);
    assertTrue(node.address().getAddress().isLoopbackAddress());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void newQuerierPerTest() throws Exception {
    querier = newQuerier();
  }

  @AfterEach
  void closeQueriers() {
    queriers.forEach(RawQuerier::close);
  }

  // ---- success paths

  @Test
  void aMutablePutComesBackByteExactWithKSigAndSeq() throws Exception {
    Signer s = new Signer();
    BValue v = addressRecord();
    byte[] encoded = BEncoder.encode(v);
    long seq = System.currentTimeMillis() * 1_000;
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertStored(querier.put(node, target, t -> s.put(t, seq, v, null, null)));

    Exchange got = querier.ask(node, new QueryArgs.Get(target, null, Want.UNSPECIFIED));
    BDictionary r = got.raw().dictionary("r");
    assertArrayEquals(encoded, r.raw("v"), "v must come back exactly as signed");
    assertArrayEquals(s.pk, r.bytes("k"));
    assertEquals(seq, r.integer("seq"));
    byte[] sig = r.bytes("sig");
    assertEquals(64, sig.length);
    assertNotNull(r.bytes("token"));
    // What a resolver does: verify the returned signature over the returned fields.
    assertTrue(Ed25519.verify(r.bytes("k"), Bep44.signedBuffer(null, r.integer("seq"),
        r.raw("v")), sig));
    Response typed = got.response();
    assertEquals(v, typed.v());
    assertEquals(BString.of(s.pk), typed.k());
    assertEquals(seq, typed.seq());
  }

  @Test
  void getWithASeqAtOrAboveTheStoredOneOmitsV() throws Exception {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertStored(querier.put(node, target, t -> s.put(t, 7, BString.of("seven"), null, null)));

    for (long have : new long[] {7, 8, Long.MAX_VALUE}) {
      BDictionary r = querier.ask(node, new QueryArgs.Get(target, have, Want.UNSPECIFIED))
          .raw().dictionary("r");
      assertNull(r.get("v"), "v sent to a querier that has seq " + have);
      assertNull(r.get("sig"));
      assertEquals(7L, r.integer("seq"), "the stored seq is still told");
      assertNotNull(r.bytes("token"));
    }
    BDictionary older = querier.ask(node, new QueryArgs.Get(target, 6L, Want.UNSPECIFIED))
        .raw().dictionary("r");
    assertArrayEquals("5:seven".getBytes(StandardCharsets.US_ASCII), older.raw("v"));
    assertEquals(7L, older.integer("seq"));
    assertNotNull(older.bytes("sig"));
  }

  @Test
  void aSaltedItemIsFoundAtSha1OfKeyAndSaltOnly() throws Exception {
    Signer s = new Signer();
    byte[] salt = "dhtbeacon/test".getBytes(StandardCharsets.US_ASCII);
    NodeId salted = Bep44.mutableTarget(s.pk, salt);
    NodeId plain = Bep44.mutableTarget(s.pk, null);
    BValue v = addressRecord();
    assertStored(querier.put(node, salted, t -> s.put(t, 1, v, salt, null)));

    BDictionary r = querier.ask(node, new QueryArgs.Get(salted, null, Want.UNSPECIFIED)).raw()
        .dictionary("r");
    assertArrayEquals(BEncoder.encode(v), r.raw("v"));
    assertArrayEquals(s.pk, r.bytes("k"));
    assertNull(r.get("salt"), "storing nodes do not echo the salt");
    assertTrue(Ed25519.verify(s.pk, Bep44.signedBuffer(salt, r.integer("seq"), r.raw("v")),
        r.bytes("sig")), "verifiable with the salt the resolver supplies");
    assertNull(querier.ask(node, new QueryArgs.Get(plain, null, Want.UNSPECIFIED)).response()
        .v(), "nothing at SHA-1(k)");
  }

  @Test
  void aNewerSeqReplacesTheItem() throws Exception {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertStored(querier.put(node, target, t -> s.put(t, 1, BString.of("one"), null, null)));
    assertStored(querier.put(node, target, t -> s.put(t, 2, BString.of("two"), null, 1L)));
    Response r = querier.ask(node, new QueryArgs.Get(target, null, Want.UNSPECIFIED))
        .response();
    assertEquals(BString.of("two"), r.v());
    assertEquals(2L, r.seq());
  }

  // ---- every storage error, one test each

  @Test
  void error205ValueTooBig() throws Exception {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    BString tooBig = BString.of(new byte[997]); // "997:" + 997 bytes = 1001 bytes
    assertError(ErrorReply.VALUE_TOO_BIG,
        querier.put(node, target, t -> s.put(t, 1, tooBig, null, null)));
    assertNothingAt(target);
  }

  @Test
  void error206InvalidSignature() throws Exception {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertError(ErrorReply.INVALID_SIGNATURE, querier.put(node, target, t -> {
      QueryArgs.Put p = s.put(t, 1, BString.of("v"), null, null);
      byte[] sig = p.sig().bytes();
      sig[0] ^= 0x40;
      return new QueryArgs.Put(p.token(), p.v(), p.k(), BString.of(sig), p.seq(), null, null);
    }));
    assertNothingAt(target);
  }

  @Test
  void error207SaltTooBig() throws Exception {
    Signer s = new Signer();
    byte[] salt = new byte[65];
    RANDOM.nextBytes(salt);
    NodeId target = Bep44.mutableTarget(s.pk, salt);
    assertError(ErrorReply.SALT_TOO_BIG,
        querier.put(node, target, t -> s.put(t, 1, BString.of("v"), salt, null)));
    assertNothingAt(target);
  }

  @Test
  void error301CasMismatch() throws Exception {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertStored(querier.put(node, target, t -> s.put(t, 5, BString.of("five"), null, null)));
    assertError(ErrorReply.CAS_MISMATCH,
        querier.put(node, target, t -> s.put(t, 6, BString.of("six"), null, 4L)));
    assertEquals(BString.of("five"), getValue(target));
  }

  @Test
  void error302LowerSeq() throws Exception {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertStored(querier.put(node, target, t -> s.put(t, 5, BString.of("five"), null, null)));
    assertError(ErrorReply.SEQ_TOO_LOW,
        querier.put(node, target, t -> s.put(t, 4, BString.of("four"), null, null)));
    assertEquals(BString.of("five"), getValue(target));
  }

  @Test
  void error302EqualSeqDifferentValueButTheSameValueIsARefresh() throws Exception {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertStored(querier.put(node, target, t -> s.put(t, 5, BString.of("five"), null, null)));
    assertError(ErrorReply.SEQ_TOO_LOW,
        querier.put(node, target, t -> s.put(t, 5, BString.of("FIVE"), null, null)));
    assertStored(querier.put(node, target, t -> s.put(t, 5, BString.of("five"), null, null)));
    assertEquals(BString.of("five"), getValue(target));
  }

  @Test
  void error203BadToken() throws Exception {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    QueryArgs.Put put = s.put(BString.of("12345678"), 1, BString.of("v"), null, null);
    assertError(ErrorReply.PROTOCOL, querier.ask(node, put));
    assertNothingAt(target);
  }

  @Test
  void error203TokenIssuedToAnotherIp() throws Exception {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    BString othersToken = newQuerier().token(node, target);
    assertError(ErrorReply.PROTOCOL,
        querier.ask(node, s.put(othersToken, 1, BString.of("v"), null, null)));
    assertNothingAt(target);
  }

  @Test
  void error203MissingToken() throws Exception {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    querier.token(node, target); // a token exists for us; we just do not send it
    QueryArgs.Put p = s.put(null, 1, BString.of("v"), null, null);
    byte[] tid = {'m', 't'};
    BDictionary args = BDictionary.builder().put("id", querier.id().bytes()).put("v", p.v())
        .put("k", p.k()).put("sig", p.sig()).put("seq", p.seq()).build();
    byte[] query = BEncoder.encode(BDictionary.builder().put("t", tid).put("y", "q")
        .put("q", "put").put("a", args).build());
    assertError(ErrorReply.PROTOCOL, querier.askRaw(node, query, tid));
    assertNothingAt(target);
  }

  // ---- helpers

  /** A record like the address registry's: compact endpoints and a time. */
  private static BValue addressRecord() {
    byte[] endpoint = {127, 0, 40, 99, (byte) 0x1a, (byte) 0xe2, 10, 0, 0, 1, 0x1a, (byte) 0xe1};
    return BDictionary.builder()
        .put("a", new BList(List.of(BString.of(Arrays.copyOf(endpoint, 6)),
            BString.of(Arrays.copyOfRange(endpoint, 6, 12)))))
        .put("t", System.currentTimeMillis() / 1000)
        .build();
  }

  private BValue getValue(NodeId target) throws Exception {
    return querier.ask(node, new QueryArgs.Get(target, null, Want.UNSPECIFIED)).response().v();
  }

  private void assertNothingAt(NodeId target) throws Exception {
    Response r = querier.ask(node, new QueryArgs.Get(target, null, Want.UNSPECIFIED))
        .response();
    assertNull(r.v());
    assertNull(r.seq());
  }

  private static void assertStored(Exchange x) throws Exception {
    Reply reply = x.reply();
    Response r = assertInstanceOf(Response.class, reply, () -> "expected stored, got " + reply);
    assertEquals(node.id(), r.sender());
  }

  private static void assertError(int code, Exchange x) throws Exception {
    Reply reply = x.reply();
    ErrorReply e = assertInstanceOf(ErrorReply.class, reply, () -> "expected " + code
        + ", got " + reply);
    assertEquals(code, e.code(), e::toString);
    assertFalse(e.message().isEmpty());
    // The error is the KRPC list [code, message] on the wire.
    BList list = x.raw().list("e");
    assertEquals(2, list.items().size());
  }

  private RawQuerier newQuerier() throws Exception {
    int n = NEXT_QUERIER.getAndIncrement();
    assertTrue(n < 255, "out of querier addresses");
    RawQuerier q = new RawQuerier(Testnet.loopback(127, 0, 40, n), NodeId.random());
    queriers.add(q);
    return q;
  }

  /** A fresh Ed25519 key (random seed) signing BEP 44 puts. */
  static final class Signer {
    final byte[] seed = Ed25519.newSeed(RANDOM);
    final byte[] pk = Ed25519.publicKey(seed);

    QueryArgs.Put put(BString token, long seq, BValue v, byte[] salt, Long cas) {
      byte[] sig = Ed25519.sign(seed, pk, Bep44.signedBuffer(salt, seq, BEncoder.encode(v)));
      return new QueryArgs.Put(token, v, BString.of(pk), BString.of(sig), seq, cas,
          salt == null ? null : BString.of(salt));
    }
  }
}
