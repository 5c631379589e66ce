package dev.dhtbeacon.storage;

import static dev.dhtbeacon.crypto.Bep44Vectors.ascii;
import static dev.dhtbeacon.crypto.Bep44Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.crypto.Bep44Vectors;
import dev.dhtbeacon.crypto.Ed25519;
import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ItemStore}: BEP 44 rules, expiry, eviction and quotas, on a hand-driven clock. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ItemStoreTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final InetAddress ALICE = ip(10, 0, 0, 1);
  private static final InetAddress BOB = ip(10, 0, 0, 2);

  private final TestClock clock = new TestClock(1_700_000_000_000L);
  private final ItemStore store = new ItemStore(clock, 20_000, 200);

  // ---- storing and getting

  @Test
  void aMutableItemIsStoredUnderSha1OfItsKeyWithAllFields() {
    Signer s = new Signer();
    BValue v = BDictionary.builder().put("a", new byte[6]).put("t", 1_700_000_000L).build();
    QueryArgs.Put put = s.put(42, v, null, null);
    assertStored(store.put(put, ALICE));

    NodeId target = Bep44.mutableTarget(s.pk, null);
    StoredItem item = store.get(target);
    assertNotNull(item);
    assertTrue(item.mutable());
    assertEquals(target, item.target());
    assertEquals(v, item.v());
    assertArrayEquals(BEncoder.encode(v), item.encodedV());
    assertEquals(BString.of(s.pk), item.k());
    assertEquals(put.sig(), item.sig());
    assertEquals(42L, item.seq());
    assertNull(item.salt());
    assertEquals(clock.millis(), item.lastPutMillis());
    assertEquals(1, store.size());
    assertNull(store.get(NodeId.random()));
  }

  @Test
  void aSaltedItemIsStoredUnderSha1OfKeyAndSalt() {
    Signer s = new Signer();
    byte[] salt = ascii("my-salt");
    assertStored(store.put(s.put(1, BString.of("x"), salt, null), ALICE));
    assertNull(store.get(Bep44.mutableTarget(s.pk, null)));
    StoredItem item = store.get(Bep44.mutableTarget(s.pk, salt));
    assertNotNull(item);
    assertEquals(BString.of(salt), item.salt());
  }

  @Test
  void theBep44VectorsAreAccepted() {
    byte[] key = hex(Bep44Vectors.BEP44_PUBLIC_KEY);
    BString hello = BString.of("Hello World!");
    assertStored(store.put(new QueryArgs.Put(null, hello, BString.of(key),
        BString.of(hex(Bep44Vectors.V1_SIGNATURE)), 1L, null, null), ALICE));
    assertStored(store.put(new QueryArgs.Put(null, hello, BString.of(key),
        BString.of(hex(Bep44Vectors.V2_SIGNATURE)), 1L, null, BString.of("foobar")), ALICE));
    assertEquals(hello, store.get(NodeId.ofHex(Bep44Vectors.V1_TARGET)).v());
    assertEquals(hello, store.get(NodeId.ofHex(Bep44Vectors.V2_TARGET)).v());
  }

  @Test
  void anImmutableItemIsStoredUnderSha1OfItsEncoding() {
    BString hello = BString.of("Hello World!");
    assertStored(store.put(immutable(hello), ALICE));
    StoredItem item = store.get(NodeId.ofHex(Bep44Vectors.IMMUTABLE_TARGET));
    assertNotNull(item);
    assertFalse(item.mutable());
    assertEquals(hello, item.v());
    assertArrayEquals(ascii(Bep44Vectors.HELLO_ENCODED), item.encodedV());
    assertNull(item.k());
    assertNull(item.sig());
    assertNull(item.seq());
  }

  // ---- 205, 206, 207

  @Test
  void error205ForAValueOver1000Bytes() {
    // "996:" + 996 bytes = 1000 bytes: the largest allowed.
    BString largest = BString.of(new byte[996]);
    BString tooBig = BString.of(new byte[997]);
    assertEquals(1000, BEncoder.encode(largest).length);
    assertStored(store.put(immutable(largest), ALICE));
    assertError(ErrorReply.VALUE_TOO_BIG, store.put(immutable(tooBig), ALICE));

    Signer s = new Signer();
    assertError(ErrorReply.VALUE_TOO_BIG, store.put(s.put(1, tooBig, null, null), ALICE));
    assertNull(store.get(Bep44.mutableTarget(s.pk, null)));
    assertStored(store.put(s.put(1, largest, null, null), ALICE));
  }

  @Test
  void error206ForBadSignatures() {
    Signer s = new Signer();
    Signer other = new Signer();
    BString v = BString.of("value");
    QueryArgs.Put good = s.put(7, v, null, null);
    byte[] flipped = good.sig().bytes();
    flipped[10] ^= 1;
    assertError(ErrorReply.INVALID_SIGNATURE, store.put(withSig(good, flipped), ALICE));
    // Another key's signature of the same buffer.
    assertError(ErrorReply.INVALID_SIGNATURE, store.put(withSig(good,
        other.put(7, v, null, null).sig().bytes()), ALICE));
    // Signed for seq 6, put as seq 7.
    assertError(ErrorReply.INVALID_SIGNATURE, store.put(withSig(good,
        s.put(6, v, null, null).sig().bytes()), ALICE));
    // Signed without salt, put with one (and the other way round).
    QueryArgs.Put salted = new QueryArgs.Put(null, v, good.k(), good.sig(), 7L, null,
        BString.of("salt"));
    assertError(ErrorReply.INVALID_SIGNATURE, store.put(salted, ALICE));
    QueryArgs.Put signedSalted = s.put(7, v, ascii("salt"), null);
    assertError(ErrorReply.INVALID_SIGNATURE, store.put(new QueryArgs.Put(null, v, good.k(),
        signedSalted.sig(), 7L, null, null), ALICE));
    assertEquals(0, store.size());

    // A bad signature does not disturb a stored item either.
    assertStored(store.put(good, ALICE));
    QueryArgs.Put forged = withSig(s.put(8, BString.of("forged"), null, null), flipped);
    assertError(ErrorReply.INVALID_SIGNATURE, store.put(forged, ALICE));
    assertEquals(v, store.get(Bep44.mutableTarget(s.pk, null)).v());
  }

  @Test
  void error207ForASaltOver64Bytes() {
    Signer s = new Signer();
    byte[] largest = new byte[64];
    byte[] tooBig = new byte[65];
    RANDOM.nextBytes(largest);
    RANDOM.nextBytes(tooBig);
    assertError(ErrorReply.SALT_TOO_BIG, store.put(s.put(1, BString.of("v"), tooBig, null),
        ALICE));
    assertEquals(0, store.size());
    assertStored(store.put(s.put(1, BString.of("v"), largest, null), ALICE));
    assertNotNull(store.get(Bep44.mutableTarget(s.pk, largest)));
  }

  // ---- 301, 302 and refresh

  @Test
  void error301WhenCasDoesNotMatchTheStoredSeq() {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertStored(store.put(s.put(5, BString.of("five"), null, null), ALICE));
    assertError(ErrorReply.CAS_MISMATCH, store.put(s.put(6, BString.of("six"), null, 4L),
        ALICE));
    assertError(ErrorReply.CAS_MISMATCH, store.put(s.put(6, BString.of("six"), null, 6L),
        ALICE));
    assertEquals(5L, store.get(target).seq());
    assertStored(store.put(s.put(6, BString.of("six"), null, 5L), ALICE));
    assertEquals(6L, store.get(target).seq());
    assertEquals(BString.of("six"), store.get(target).v());
  }

  @Test
  void casOnAnEmptySlotIsIgnored() {
    // BEP 44 compares cas with the stored seq; with nothing stored there is nothing to compare
    // (libtorrent and mldht store too).
    Signer s = new Signer();
    assertStored(store.put(s.put(3, BString.of("v"), null, 2L), ALICE));
  }

  @Test
  void error302ForALowerSeq() {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertStored(store.put(s.put(10, BString.of("ten"), null, null), ALICE));
    assertError(ErrorReply.SEQ_TOO_LOW, store.put(s.put(9, BString.of("nine"), null, null),
        ALICE));
    assertError(ErrorReply.SEQ_TOO_LOW, store.put(s.put(-1, BString.of("neg"), null, null),
        ALICE));
    assertEquals(BString.of("ten"), store.get(target).v());
    assertStored(store.put(s.put(11, BString.of("eleven"), null, null), ALICE));
    assertEquals(BString.of("eleven"), store.get(target).v());
  }

  @Test
  void error302ForAnEqualSeqWithADifferentValue() {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    assertStored(store.put(s.put(10, BString.of("ten"), null, null), ALICE));
    assertError(ErrorReply.SEQ_TOO_LOW, store.put(s.put(10, BString.of("TEN"), null, null),
        ALICE));
    assertEquals(BString.of("ten"), store.get(target).v());
  }

  @Test
  void anEqualSeqWithTheSameValueRefreshesTheItem() {
    Signer s = new Signer();
    NodeId target = Bep44.mutableTarget(s.pk, null);
    QueryArgs.Put put = s.put(10, BString.of("ten"), null, null);
    assertStored(store.put(put, ALICE));
    long first = clock.millis();
    clock.advance(90 * 60_000);
    assertStored(store.put(put, BOB));
    StoredItem item = store.get(target);
    assertEquals(first + 90 * 60_000, item.lastPutMillis());
    assertEquals(BString.of("ten"), item.v());
    assertEquals(1, store.size());
    // The refresh restarted the two hours.
    clock.advance(ItemStore.TTL_MILLIS - 1);
    assertNotNull(store.get(target));
    clock.advance(1);
    assertNull(store.get(target));
  }

  // ---- expiry

  @Test
  void itemsExpireTwoHoursAfterTheirLastPut() {
    assertEquals(2 * 60 * 60_000L, ItemStore.TTL_MILLIS);
    Signer s = new Signer();
    NodeId mutable = Bep44.mutableTarget(s.pk, null);
    NodeId immutable = Bep44.immutableTarget(ascii("5:hello"));
    assertStored(store.put(s.put(1, BString.of("v"), null, null), ALICE));
    assertStored(store.put(immutable(BString.of("hello")), ALICE));
    clock.advance(ItemStore.TTL_MILLIS - 1);
    assertNotNull(store.get(mutable));
    assertNotNull(store.get(immutable));
    clock.advance(1);
    assertNull(store.get(mutable));
    assertNull(store.get(immutable));
    assertEquals(0, store.size());

    // After expiry, a lower seq is welcome again: the old item is gone.
    assertStored(store.put(s.put(0, BString.of("again"), null, null), ALICE));
  }

  @Test
  void expireDropsOnlyTheExpired() {
    Signer early = new Signer();
    Signer late = new Signer();
    assertStored(store.put(early.put(1, BString.of("a"), null, null), ALICE));
    clock.advance(60 * 60_000);
    assertStored(store.put(late.put(1, BString.of("b"), null, null), ALICE));
    clock.advance(60 * 60_000);
    store.expire();
    assertEquals(1, store.size());
    assertNotNull(store.get(Bep44.mutableTarget(late.pk, null)));
    clock.advance(60 * 60_000);
    store.expire();
    assertEquals(0, store.size());
  }

  // ---- capacity and quota

  @Test
  void aFullStoreEvictsTheLeastRecentlyPutItem() {
    ItemStore small = new ItemStore(clock, 3, 100);
    Signer a = new Signer();
    Signer b = new Signer();
    Signer c = new Signer();
    Signer d = new Signer();
    assertStored(small.put(a.put(1, BString.of("a"), null, null), ALICE));
    clock.advance(1_000);
    assertStored(small.put(b.put(1, BString.of("b"), null, null), ALICE));
    clock.advance(1_000);
    assertStored(small.put(c.put(1, BString.of("c"), null, null), ALICE));
    clock.advance(1_000);
    // a refreshes (a new seq), so b is now the least recently put.
    assertStored(small.put(a.put(2, BString.of("a2"), null, null), ALICE));
    clock.advance(1_000);
    assertStored(small.put(d.put(1, BString.of("d"), null, null), BOB));
    assertEquals(3, small.size());
    assertNotNull(small.get(Bep44.mutableTarget(a.pk, null)));
    assertNull(small.get(Bep44.mutableTarget(b.pk, null)), "b should have been evicted");
    assertNotNull(small.get(Bep44.mutableTarget(c.pk, null)));
    assertNotNull(small.get(Bep44.mutableTarget(d.pk, null)));
  }

  @Test
  void error202OnceAnIpHoldsItsQuotaButItsOwnItemsStillUpdate() {
    ItemStore quota = new ItemStore(clock, 1_000, 3);
    Signer[] mine = {new Signer(), new Signer(), new Signer()};
    for (Signer s : mine) {
      assertStored(quota.put(s.put(1, BString.of("v1"), null, null), ALICE));
    }
    Signer fourth = new Signer();
    assertError(ErrorReply.SERVER, quota.put(fourth.put(1, BString.of("v1"), null, null),
        ALICE));
    assertError(ErrorReply.SERVER, quota.put(immutable(BString.of("also new")), ALICE));
    assertNull(quota.get(Bep44.mutableTarget(fourth.pk, null)));

    // Updates (new seq) and refreshes (same seq and v) of items Alice holds still pass.
    for (Signer s : mine) {
      assertStored(quota.put(s.put(2, BString.of("v2"), null, null), ALICE));
      assertStored(quota.put(s.put(2, BString.of("v2"), null, null), ALICE));
      assertEquals(2L, quota.get(Bep44.mutableTarget(s.pk, null)).seq());
    }
    // Bob's quota is his own.
    assertStored(quota.put(fourth.put(1, BString.of("v1"), null, null), BOB));
    assertEquals(4, quota.size());

    // When one of Alice's items expires, her count goes down and she may store a new one.
    clock.advance(ItemStore.TTL_MILLIS);
    quota.expire();
    assertEquals(0, quota.size());
    for (int i = 0; i < 3; i++) {
      assertStored(quota.put(new Signer().put(1, BString.of("x"), null, null), ALICE));
    }
    assertError(ErrorReply.SERVER, quota.put(new Signer().put(1, BString.of("x"), null, null),
        ALICE));
  }

  @Test
  void evictionReleasesTheOwnersQuota() {
    ItemStore small = new ItemStore(clock, 3, 2);
    assertStored(small.put(immutable(BString.of("a1")), ALICE));
    assertStored(small.put(immutable(BString.of("a2")), ALICE));
    assertStored(small.put(immutable(BString.of("b1")), BOB));
    assertError(ErrorReply.SERVER, small.put(immutable(BString.of("a3")), ALICE));
    assertStored(small.put(immutable(BString.of("b2")), BOB)); // evicts a1: Alice holds 1
    assertStored(small.put(immutable(BString.of("a3")), ALICE)); // evicts a2, Alice holds a3
    assertStored(small.put(immutable(BString.of("a4")), ALICE)); // evicts b1: Alice holds 2
    assertError(ErrorReply.SERVER, small.put(immutable(BString.of("a5")), ALICE));
    assertEquals(3, small.size());
    assertNotNull(small.get(Bep44.immutableTarget(ascii("2:b2"))));
    assertNull(small.get(Bep44.immutableTarget(ascii("2:b1"))));
  }

  @Test
  void aFloodOfFreshKeysFromManyIpsStaysWithinCapacityAndSparesALivePublisher() {
    int capacity = 1_000;
    int puts = 100_000;
    int mutableEvery = 10; // every 10th put a fresh Ed25519 key; the rest fresh immutable values
    ItemStore bounded = new ItemStore(clock, capacity, 20);
    Random random = new Random(44);
    Signer publisher = new Signer();
    NodeId published = Bep44.mutableTarget(publisher.pk, null);
    InetAddress publisherIp = ip(192, 168, 1, 1);
    long seq = 1;
    assertStored(bounded.put(publisher.put(seq, BString.of("addr"), null, null), publisherIp));
    int stored = 0;
    int refused = 0;
    for (int i = 0; i < puts; i++) {
      InetAddress from = ip(10, random.nextInt(256), random.nextInt(256), random.nextInt(256));
      QueryArgs.Put put;
      if (i % mutableEvery == 0) {
        put = new Signer(random).put(1, BString.of("flood " + i), null, null);
      } else {
        byte[] v = new byte[20 + random.nextInt(100)];
        random.nextBytes(v);
        put = immutable(BString.of(v));
      }
      PutOutcome outcome = bounded.put(put, from);
      if (outcome.stored()) {
        stored++;
      } else {
        assertEquals(ErrorReply.SERVER, outcome.code(), outcome.message());
        refused++;
      }
      assertTrue(bounded.size() <= capacity, "size " + bounded.size() + " after put " + i);
      clock.advance(1);
      // The publisher refreshes far more often than capacity / put rate.
      if (i % 200 == 199) {
        assertStored(bounded.put(publisher.put(++seq, BString.of("addr" + seq), null, null),
            publisherIp));
      }
    }
    assertEquals(capacity, bounded.size());
    assertTrue(stored > puts * 9 / 10, "stored " + stored + ", refused " + refused);
    assertEquals(seq, bounded.get(published).seq(), "the live publisher was evicted");
    clock.advance(ItemStore.TTL_MILLIS);
    bounded.expire();
    assertEquals(0, bounded.size());
  }

  @Test
  void constructorRejectsNonPositiveLimits() {
    assertThrows(IllegalArgumentException.class, () -> new ItemStore(clock, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ItemStore(clock, 1, 0));
  }

  // ---- helpers

  private static void assertStored(PutOutcome outcome) {
    assertTrue(outcome.stored(), () -> "not stored: " + outcome);
    assertEquals(PutOutcome.STORED, outcome);
  }

  private static void assertError(int code, PutOutcome outcome) {
    assertFalse(outcome.stored(), () -> "stored, expected " + code);
    assertEquals(code, outcome.code(), outcome::toString);
    assertNotNull(outcome.message());
  }

  private static QueryArgs.Put immutable(BValue v) {
    return new QueryArgs.Put(null, v, null, null, null, null, null);
  }

  private static QueryArgs.Put withSig(QueryArgs.Put p, byte[] sig) {
    return new QueryArgs.Put(p.token(), p.v(), p.k(), BString.of(sig), p.seq(), p.cas(),
        p.salt());
  }

  static InetAddress ip(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** An Ed25519 key that makes signed BEP 44 puts. */
  static final class Signer {
    final byte[] seed;
    final byte[] pk;

    Signer() {
      this(RANDOM);
    }

    Signer(Random random) {
      seed = new byte[Ed25519.SEED_LENGTH];
      random.nextBytes(seed);
      pk = Ed25519.publicKey(seed);
    }

    QueryArgs.Put put(long seq, BValue v, byte[] salt, Long cas) {
      byte[] sig = Ed25519.sign(seed, pk, Bep44.signedBuffer(salt, seq, BEncoder.encode(v)));
      return new QueryArgs.Put(null, v, BString.of(pk), BString.of(sig), seq, cas,
          salt == null ? null : BString.of(Arrays.copyOf(salt, salt.length)));
    }
  }

  /** A clock the test moves by hand. */
  static final class TestClock extends Clock {
    private long millis;

    TestClock(long millis) {
      this.millis = millis;
    }

    void advance(long delta) {
      millis += delta;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
