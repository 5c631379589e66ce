package dev.dhtbeacon.krpc;

import static dev.dhtbeacon.crypto.Bep44Vectors.ascii;
import static dev.dhtbeacon.crypto.Bep44Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BList;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.bencode.Hex;
import dev.dhtbeacon.crypto.Bep44Vectors;
import dev.dhtbeacon.crypto.Ed25519;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.RawQuerier;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.storage.Bep44;
import dev.dhtbeacon.storage.ItemStore;
import dev.dhtbeacon.storage.PutOutcome;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import lbms.plugins.mldht.kad.DHT.DHTtype;
import lbms.plugins.mldht.kad.GenericStorage;
import lbms.plugins.mldht.kad.GenericStorage.StorageItem;
import lbms.plugins.mldht.kad.Key;
import lbms.plugins.mldht.kad.messages.ErrorMessage.ErrorCode;
import lbms.plugins.mldht.kad.messages.GetRequest;
import lbms.plugins.mldht.kad.messages.GetResponse;
import lbms.plugins.mldht.kad.messages.MessageBase;
import lbms.plugins.mldht.kad.messages.MessageBase.Method;
import lbms.plugins.mldht.kad.messages.MessageDecoder;
import lbms.plugins.mldht.kad.messages.MessageException;
import lbms.plugins.mldht.kad.messages.PutRequest;
import net.i2p.crypto.eddsa.EdDSAPrivateKey;
import net.i2p.crypto.eddsa.spec.EdDSAPrivateKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * BEP 44 against an independent implementation: mldht (the8472) as bundled by bt-dht 1.10, with
 * its own bencode, KRPC parser, storage rules and EdDSA (net.i2p.crypto.eddsa, inside the jar).
 *
 * <ul>
 *   <li>mldht's {@link MessageDecoder} reads our {@code get} and {@code put} queries (mutable,
 *       salted or not, with or without {@code cas}) into {@link GetRequest}/{@link PutRequest}
 *       with the same fields, and our {@code get} responses (from a real node on loopback) into
 *       {@link GetResponse};
 *   <li>mldht's own signature check, {@link StorageItem#validateSig()} (which rebuilds the
 *       signed buffer with its own encoder), accepts what we sign and rejects tampered items,
 *       and its signer ({@link GenericStorage#buildMutable}) produces our signatures byte for
 *       byte;
 *   <li>{@link PutRequest#validate()} and {@link GenericStorage#putOrUpdate} agree with our
 *       {@link ItemStore} on 205, 207, 301, 302 and success, except where the peers knowingly
 *       differ: mldht overwrites an equal {@code seq} with a different value, we answer 302
 *       (DESIGN.md, interop facts).
 * </ul>
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Bep44OracleTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final KrpcCodec codec = new KrpcCodec();
  private final the8472.bencode.BDecoder theirs = new the8472.bencode.BDecoder();

  @Test
  void mldhtNumbersTheStorageErrorsAsWeDo() {
    assertEquals(ErrorReply.SERVER, ErrorCode.ServerError.code);
    assertEquals(ErrorReply.PROTOCOL, ErrorCode.ProtocolError.code);
    assertEquals(ErrorReply.VALUE_TOO_BIG, ErrorCode.PutMessageTooBig.code);
    assertEquals(ErrorReply.INVALID_SIGNATURE, ErrorCode.InvalidSignature.code);
    assertEquals(ErrorReply.SALT_TOO_BIG, ErrorCode.SaltTooBig.code);
    assertEquals(ErrorReply.CAS_MISMATCH, ErrorCode.CasFail.code);
    assertEquals(ErrorReply.SEQ_TOO_LOW, ErrorCode.CasNotMonotonic.code);
  }

  // ---- our queries, read by mldht

  @Test
  void ourGetQueriesAreMldhtGetRequests() throws Exception {
    for (Long seq : new Long[] {null, 0L, 1L, 1_697_016_827_303_000L}) {
      NodeId target = NodeId.random();
      Query q = query(new QueryArgs.Get(target, seq, Want.UNSPECIFIED));
      GetRequest r = assertInstanceOf(GetRequest.class, parse(codec.encode(q), Method.UNKNOWN));
      assertArrayEquals(target.bytes(), r.getTarget().getHash());
      assertArrayEquals(q.sender().bytes(), r.getID().getHash());
      assertArrayEquals(q.tid().bytes(), r.getMTID());
      assertEquals(seq == null ? -1L : seq, r.getSeq());
    }
  }

  @Test
  void ourMutablePutsAreMldhtPutRequestsThatPassItsSignatureCheck() throws Exception {
    Signer s = new Signer();
    BValue v = addressRecord();
    byte[][] salts = {null, ascii("foobar"), new byte[64]};
    Long[] cases = {null, 0L, 41L};
    int checked = 0;
    for (byte[] salt : salts) {
      for (Long cas : cases) {
        long seq = 42 + checked;
        QueryArgs.Put put = s.put(BString.of("token-" + checked), seq, v, salt, cas);
        Query q = query(put);
        PutRequest r = assertInstanceOf(PutRequest.class, parse(codec.encode(q),
            Method.UNKNOWN));
        assertArrayEquals(put.token().bytes(), r.getToken());
        assertTrue(r.mutable());
        assertArrayEquals(s.pk, r.getPubkey());
        assertArrayEquals(put.sig().bytes(), r.getSignature());
        assertEquals(seq, r.getSequenceNumber());
        assertArrayEquals(salt, r.getSalt());
        assertEquals(cas == null ? -1L : cas, r.getExpectedSequenceNumber());
        assertArrayEquals(BEncoder.encode(v), bytes(r.getValue()));
        NodeId target = Bep44.mutableTarget(s.pk, salt);
        assertArrayEquals(target.bytes(), r.deriveTargetKey().getHash());
        r.validate(); // mldht's own 205/207/missing-field checks
        StorageItem item = new StorageItem(r);
        assertTrue(item.validateSig(), "mldht rejects our signature: " + q);
        assertArrayEquals(target.bytes(), item.fingerprint().getHash());
        checked++;
      }
    }
    assertEquals(9, checked);
  }

  @Test
  void mldhtRejectsTamperedItems() throws Exception {
    Signer s = new Signer();
    BValue v = BString.of("tamper with me");
    byte[] salt = ascii("salt");
    QueryArgs.Put good = s.put(BString.of("t"), 7, v, salt, null);
    assertTrue(mldhtSignatureCheck(good));

    byte[] flipped = good.sig().bytes();
    flipped[63] ^= 0x01;
    List<QueryArgs.Put> tampered = List.of(
        new QueryArgs.Put(good.token(), v, good.k(), BString.of(flipped), 7L, null,
            good.salt()),
        new QueryArgs.Put(good.token(), v, good.k(), good.sig(), 8L, null, good.salt()),
        new QueryArgs.Put(good.token(), BString.of("tamper with mE"), good.k(), good.sig(), 7L,
            null, good.salt()),
        new QueryArgs.Put(good.token(), v, good.k(), good.sig(), 7L, null, BString.of("SALT")),
        new QueryArgs.Put(good.token(), v, good.k(), good.sig(), 7L, null, null),
        new QueryArgs.Put(good.token(), v, BString.of(new Signer().pk), good.sig(), 7L, null,
            good.salt()));
    ItemStore ours = new ItemStore(Clock.systemUTC(), 100, 100);
    for (QueryArgs.Put p : tampered) {
      assertFalse(mldhtSignatureCheck(p), "mldht accepted " + p);
      PutOutcome outcome = ours.put(p, InetAddress.getLoopbackAddress());
      assertEquals(ErrorReply.INVALID_SIGNATURE, outcome.code(), "we accepted " + p);
    }
  }

  @Test
  void theBep44VectorsPassMldhtsSignatureCheckThroughOurCodec() throws Exception {
    BString key = BString.of(hex(Bep44Vectors.BEP44_PUBLIC_KEY));
    BString hello = BString.of("Hello World!");
    QueryArgs.Put v1 = new QueryArgs.Put(BString.of("t"), hello, key,
        BString.of(hex(Bep44Vectors.V1_SIGNATURE)), 1L, null, null);
    QueryArgs.Put v2 = new QueryArgs.Put(BString.of("t"), hello, key,
        BString.of(hex(Bep44Vectors.V2_SIGNATURE)), 1L, null, BString.of("foobar"));
    assertTrue(mldhtSignatureCheck(v1));
    assertTrue(mldhtSignatureCheck(v2));
    assertEquals(Bep44Vectors.V1_TARGET, Hex.encode(putRequest(v1).deriveTargetKey()
        .getHash()));
    assertEquals(Bep44Vectors.V2_TARGET, Hex.encode(putRequest(v2).deriveTargetKey()
        .getHash()));
  }

  @Test
  void mldhtsSignerProducesOurSignaturesByteForByte() throws Exception {
    // First the oracle itself against Pkarr's published vector.
    StorageItem pkarr = GenericStorage.buildMutable(hex(Bep44Vectors.PKARR_V),
        privateKey(hex(Bep44Vectors.PKARR_SEED)), null, Bep44Vectors.PKARR_SEQ);
    assertEquals(Bep44Vectors.PKARR_SIGNATURE, Hex.encode(bytes(pkarr.sig().orElseThrow())));
    assertEquals(Bep44Vectors.PKARR_PUBLIC_KEY, Hex.encode(bytes(pkarr.pubKey().orElseThrow())));

    Random random = new Random(44);
    for (int i = 0; i < 50; i++) {
      Signer s = new Signer();
      BValue v = i % 2 == 0 ? addressRecord() : BString.of(randomBytes(random, i * 19));
      byte[] encoded = BEncoder.encode(v);
      byte[] salt = i % 3 == 0 ? null : randomBytes(random, 1 + random.nextInt(64));
      long seq = random.nextLong() >>> 1;
      Object theirValue = v instanceof BString b ? b.bytes()
          : theirs.decode(ByteBuffer.wrap(encoded));
      StorageItem item = GenericStorage.buildMutable(theirValue, privateKey(s.seed), salt, seq);
      assertArrayEquals(s.pk, bytes(item.pubKey().orElseThrow()));
      assertArrayEquals(encoded, bytes(item.getRawValue()));
      byte[] ourSig = Ed25519.sign(s.seed, s.pk, Bep44.signedBuffer(salt, seq, encoded));
      assertArrayEquals(ourSig, bytes(item.sig().orElseThrow()), "signature " + i);
      assertArrayEquals(Bep44.mutableTarget(s.pk, salt).bytes(), item.fingerprint().getHash());
    }
  }

  @Test
  void mldhtsPutValidationAgreesOn205And207() throws Exception {
    Signer s = new Signer();
    ItemStore ours = new ItemStore(Clock.systemUTC(), 100, 100);
    InetAddress from = InetAddress.getLoopbackAddress();
    BString largest = BString.of(new byte[996]); // 1000 bytes encoded
    BString tooBig = BString.of(new byte[997]);
    byte[] salt64 = new byte[64];
    byte[] salt65 = new byte[65];

    assertNull(mldhtValidationError(s.put(BString.of("t"), 1, largest, salt64, null)));
    assertTrue(ours.put(s.put(BString.of("t"), 1, largest, salt64, null), from).stored());

    QueryArgs.Put big = s.put(BString.of("t"), 1, tooBig, null, null);
    assertEquals(ErrorCode.PutMessageTooBig, mldhtValidationError(big));
    assertEquals(ErrorReply.VALUE_TOO_BIG, ours.put(big, from).code());

    QueryArgs.Put immutableBig = new QueryArgs.Put(BString.of("t"), tooBig, null, null, null,
        null, null);
    assertEquals(ErrorCode.PutMessageTooBig, mldhtValidationError(immutableBig));
    assertEquals(ErrorReply.VALUE_TOO_BIG, ours.put(immutableBig, from).code());

    QueryArgs.Put longSalt = s.put(BString.of("t"), 1, BString.of("v"), salt65, null);
    assertEquals(ErrorCode.SaltTooBig, mldhtValidationError(longSalt));
    assertEquals(ErrorReply.SALT_TOO_BIG, ours.put(longSalt, from).code());
  }

  @Test
  void storageRulesAgreeWithMldhtsGenericStorage() throws Exception {
    Signer s = new Signer();
    ItemStore ours = new ItemStore(Clock.systemUTC(), 100, 100);
    GenericStorage mldht = new GenericStorage();
    InetAddress from = InetAddress.getLoopbackAddress();
    BString t = BString.of("t");
    // {put, our expected code, mldht's expected result}
    Object[][] steps = {
        {s.put(t, 5, BString.of("five"), null, null), 0, "SUCCESS"},
        {s.put(t, 4, BString.of("four"), null, null), ErrorReply.SEQ_TOO_LOW, "SEQ_FAIL"},
        {s.put(t, 6, BString.of("six"), null, 4L), ErrorReply.CAS_MISMATCH, "CAS_FAIL"},
        {s.put(t, 5, BString.of("five"), null, null), 0, "SUCCESS"},
        {s.put(t, 6, BString.of("six"), null, 5L), 0, "SUCCESS"},
        {s.put(t, 7, BString.of("seven"), null, null), 0, "SUCCESS"},
        {forge(s.put(t, 8, BString.of("eight"), null, null)), ErrorReply.INVALID_SIGNATURE,
            "SIG_FAIL"},
        {s.put(t, 3, BString.of("three"), null, 7L), ErrorReply.SEQ_TOO_LOW, "SEQ_FAIL"},
    };
    for (int i = 0; i < steps.length; i++) {
      QueryArgs.Put put = (QueryArgs.Put) steps[i][0];
      PutRequest r = putRequest(put);
      Object theirResult = mldht.putOrUpdate(r.deriveTargetKey(), new StorageItem(r),
          r.getExpectedSequenceNumber());
      assertEquals(steps[i][2], String.valueOf(theirResult), "mldht, step " + i);
      assertEquals(steps[i][1], ours.put(put, from).code(), "ours, step " + i);
    }
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertEquals(7L, ours.get(target).seq());
    assertEquals(7L, mldht.get(new Key(target.bytes())).orElseThrow().getSequenceNumber());

    // The one known difference: the same seq with another value.
    QueryArgs.Put sameSeq = s.put(t, 7, BString.of("SEVEN"), null, null);
    PutRequest r = putRequest(sameSeq);
    assertEquals("SUCCESS", String.valueOf(mldht.putOrUpdate(r.deriveTargetKey(),
        new StorageItem(r), -1)), "mldht overwrites an equal seq");
    assertEquals(ErrorReply.SEQ_TOO_LOW, ours.put(sameSeq, from).code(), "we answer 302");
  }

  // ---- our get responses, read by mldht

  @Test
  void aGetResponseBuiltWithOurCodecIsAValidMldhtItem() throws Exception {
    Signer s = new Signer();
    byte[] salt = ascii("resolver-supplied");
    BValue v = addressRecord();
    QueryArgs.Put put = s.put(null, 99, v, salt, null);
    Response response = Response.builder(TransactionId.of(new byte[] {'g', 1}), NodeId.random())
        .token(BString.of("tok")).item(v, put.k(), put.sig(), 99L).build();
    GetResponse g = assertInstanceOf(GetResponse.class, parse(codec.encode(response),
        Method.GET));
    checkGetResponse(g, s, v, 99, put.sig());
    assertTrue(new StorageItem(g, salt).validateSig());
    assertFalse(new StorageItem(g, null).validateSig(), "the salt is part of what is signed");
  }

  @Test
  void aGetResponseFromARealNodeIsAValidMldhtItem() throws Exception {
    DhtNode node = DhtNode.builder().network(NetworkMode.LOOPBACK)
        .bind(new InetSocketAddress(loopback(41, 1), 0)).build();
    try (RawQuerier querier = new RawQuerier(loopback(41, 2), NodeId.random())) {
      node.start().get(10, TimeUnit.SECONDS);
      Signer s = new Signer();
      byte[] salt = ascii("oracle");
      BValue v = addressRecord();
      long seq = System.currentTimeMillis() * 1_000;
      NodeId target = Bep44.mutableTarget(s.pk, salt);

      QueryArgs.Put put = s.put(querier.token(node, target), seq, v, salt, null);
      Reply stored = querier.ask(node, put).reply();
      assertInstanceOf(Response.class, stored, () -> "put refused: " + stored);

      byte[] wire = querier.ask(node, new QueryArgs.Get(target, null, Want.UNSPECIFIED)).bytes();
      GetResponse g = assertInstanceOf(GetResponse.class, parse(wire, Method.GET));
      assertArrayEquals(node.id().bytes(), g.getID().getHash());
      checkGetResponse(g, s, v, seq, put.sig());
      StorageItem item = new StorageItem(g, salt);
      assertTrue(item.validateSig(), "mldht rejects the item our node serves");
      assertArrayEquals(target.bytes(), item.fingerprint().getHash());
    } finally {
      node.close();
    }
  }

  // ---- helpers

  private void checkGetResponse(GetResponse g, Signer s, BValue v, long seq, BString sig) {
    assertArrayEquals(BEncoder.encode(v), bytes(g.getRawValue()));
    assertArrayEquals(s.pk, g.getPubkey());
    assertArrayEquals(sig.bytes(), g.getSignature());
    assertEquals(seq, g.getSequenceNumber());
    assertTrue(g.getToken() != null && g.getToken().length > 0);
  }

  private static InetAddress loopback(int c, int d) throws Exception {
    return InetAddress.getByAddress(new byte[] {127, 0, (byte) c, (byte) d});
  }

  private MessageBase parse(byte[] wire, Method responseMethod) throws Exception {
    MessageDecoder decoder = new MessageDecoder(tid -> Optional.of(responseMethod),
        DHTtype.IPV4_DHT);
    decoder.toDecode(ByteBuffer.wrap(wire), theirs.decode(ByteBuffer.wrap(wire)));
    MessageBase mb = decoder.parseMessage();
    if (mb == null) {
      fail("mldht returned no message for " + Hex.encode(wire));
    }
    return mb;
  }

  private PutRequest putRequest(QueryArgs.Put put) throws Exception {
    return assertInstanceOf(PutRequest.class, parse(codec.encode(query(put)), Method.UNKNOWN));
  }

  private boolean mldhtSignatureCheck(QueryArgs.Put put) throws Exception {
    return new StorageItem(putRequest(put)).validateSig();
  }

  /**
   * mldht's validation error for {@code put}, or null if it passes. Its decoder runs
   * {@link PutRequest#validate()} itself while parsing.
   */
  private ErrorCode mldhtValidationError(QueryArgs.Put put) throws Exception {
    try {
      putRequest(put).validate();
      return null;
    } catch (MessageException e) {
      return e.errorCode;
    }
  }

  private static QueryArgs.Put forge(QueryArgs.Put p) {
    byte[] sig = p.sig().bytes();
    sig[5] ^= 0x10;
    return new QueryArgs.Put(p.token(), p.v(), p.k(), BString.of(sig), p.seq(), p.cas(),
        p.salt());
  }

  private static Query query(QueryArgs args) {
    byte[] tid = new byte[6];
    RANDOM.nextBytes(tid);
    return new Query(TransactionId.of(tid), NodeId.random(), false, "DB\u0000\u0001", args);
  }

  private static BValue addressRecord() {
    byte[] a = new byte[6];
    RANDOM.nextBytes(a);
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return BDictionary.builder()
        .put("a", new BList(List.of(BString.of(a), BString.of(b))))
        .put("t", System.currentTimeMillis() / 1000)
        .put("x-unknown", BDictionary.builder().put("k", "v").build())
        .build();
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] out = new byte[n];
    random.nextBytes(out);
    return out;
  }

  private static EdDSAPrivateKey privateKey(byte[] seed) {
    return new EdDSAPrivateKey(new EdDSAPrivateKeySpec(seed, StorageItem.spec));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** A fresh Ed25519 key signing puts with {@link Ed25519}. */
  private static final class Signer {
    final byte[] seed = Ed25519.newSeed(RANDOM);
    final byte[] pk = Ed25519.publicKey(seed);

    QueryArgs.Put put(BString token, long seq, BValue v, byte[] salt, Long cas) {
      byte[] sig = Ed25519.sign(seed, pk, Bep44.signedBuffer(salt, seq, BEncoder.encode(v)));
      return new QueryArgs.Put(token, v, BString.of(pk), BString.of(sig), seq, cas,
          salt == null ? null : BString.of(salt));
    }
  }
}
