package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Int192 must give BigInteger's results over the range the sweep uses. */
class Int192Test {
  private static final BigInteger KEYSPACE = BigInteger.ONE.shiftLeft(160);

  /** Edge values and random ones of every width up to 161 bits, both signs. */
  private static List<BigInteger> samples() {
    Random random = new Random(192);
    List<BigInteger> out = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE,
        BigInteger.ONE.negate(), KEYSPACE, KEYSPACE.subtract(BigInteger.ONE),
        BigInteger.ONE.shiftLeft(64), BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE),
        BigInteger.ONE.shiftLeft(128), BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE),
        BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)));
    for (int bits = 1; bits <= 161; bits += 4) {
      BigInteger x = new BigInteger(bits, random);
      out.add(x);
      out.add(x.negate());
    }
    return out;
  }

  @Test
  void arithmeticMatchesBigInteger() {
    List<BigInteger> xs = samples();
    for (BigInteger a : xs) {
      Int192 ia = Int192.of(a);
      assertEquals(a, ia.toBigInteger());
      assertEquals(a.signum(), ia.signum(), "signum " + a);
      assertEquals(a.bitLength(), ia.bitLength(), "bitLength " + a);
      assertEquals(a.doubleValue(), ia.doubleValue(), Math.ulp(a.doubleValue()) * 2, "double " + a);
      assertEquals(a.intValue(), ia.intValue());
      assertEquals(a.negate(), ia.negate().toBigInteger());
      assertEquals(a.abs(), ia.abs().toBigInteger());
      for (int n : new int[] {0, 1, 7, 63, 64, 65, 100, 127, 128, 129, 159, 160}) {
        assertEquals(a.shiftRight(n), ia.shiftRight(n).toBigInteger(), a + " >> " + n);
        if (a.bitLength() + n < 191) {
          assertEquals(a.shiftLeft(n), ia.shiftLeft(n).toBigInteger(), a + " << " + n);
        }
        assertEquals(a.testBit(n), ia.testBit(n), "testBit " + a + " " + n);
        assertEquals(a.flipBit(n), ia.flipBit(n).toBigInteger(), "flipBit " + a + " " + n);
      }
      for (BigInteger b : xs) {
        Int192 ib = Int192.of(b);
        assertEquals(a.add(b), ia.add(ib).toBigInteger(), a + " + " + b);
        assertEquals(a.subtract(b), ia.subtract(ib).toBigInteger(), a + " - " + b);
        assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(ia.compareTo(ib)));
        assertEquals(a.equals(b), ia.equals(ib));
        assertEquals(a.or(b), ia.or(ib).toBigInteger());
        assertEquals(a.and(b), ia.and(ib).toBigInteger());
        assertEquals(a.xor(b), ia.xor(ib).toBigInteger());
        assertEquals(a.min(b), ia.min(ib).toBigInteger());
        assertEquals(a.max(b), ia.max(ib).toBigInteger());
        if (b.signum() > 0) {
          assertEquals(a.mod(b), ia.mod(ib).toBigInteger(), a + " mod " + b);
          assertEquals(a.divide(b), ia.divide(ib).toBigInteger(), a + " / " + b);
        }
      }
    }
  }

  @Test
  void powerOfTwoModulusAndDivisionTakeTheShortPath() {
    BigInteger span = BigInteger.ONE.shiftLeft(150);
    for (BigInteger a : samples()) {
      assertEquals(a.mod(span), Int192.of(a).mod(Int192.of(span)).toBigInteger());
      if (a.signum() >= 0) {
        assertEquals(a.divide(span), Int192.of(a).divide(Int192.of(span)).toBigInteger());
      }
    }
  }

  @Test
  void bytesRoundTripLikeAnId() {
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      byte[] id = new byte[20];
      random.nextBytes(id);
      Int192 v = Int192.of(id);
      assertEquals(new BigInteger(1, id), v.toBigInteger());
      assertArrayEquals(id, v.toBytes(20));
    }
    assertArrayEquals(new byte[] {-1, -1, -1}, Int192.valueOf(-1).toBytes(3));
    assertEquals(Int192.parseHex("ff".repeat(20)), Int192.of(KEYSPACE.subtract(BigInteger.ONE)));
    assertThrows(IllegalArgumentException.class, () -> Int192.of(new byte[25]));
    assertThrows(ArithmeticException.class, () -> Int192.of(BigInteger.ONE.shiftLeft(191)));
  }

  @Test
  void randomBitsStayBelowTheirBound() {
    Random random = new Random(3);
    for (int bits : new int[] {0, 1, 63, 64, 65, 128, 150, 160}) {
      BigInteger bound = BigInteger.ONE.shiftLeft(bits);
      BigInteger or = BigInteger.ZERO;
      for (int i = 0; i < 200; i++) {
        BigInteger r = Int192.random(bits, random).toBigInteger();
        assertTrue(r.signum() >= 0 && r.compareTo(bound) < 0, bits + ": " + r);
        or = or.or(r);
      }
      assertEquals(bound.subtract(BigInteger.ONE), or, "every bit below " + bits + " is used");
    }
  }

  @Test
  void valueOfAndHashAgreeWithEquality() {
    for (long v : new long[] {0, 1, -1, 42, Long.MIN_VALUE, Long.MAX_VALUE}) {
      assertEquals(BigInteger.valueOf(v), Int192.valueOf(v).toBigInteger());
      assertEquals(Int192.valueOf(v).hashCode(), Int192.of(BigInteger.valueOf(v)).hashCode());
    }
  }

  @Test
  void distancesFromDoublesAreRoundedDownToMultiplesOfTwoToThe100() {
    BigInteger spacing = BigInteger.ONE.shiftLeft(160).divide(BigInteger.valueOf(2_000));
    BigInteger expected = spacing.shiftRight(100).shiftLeft(100);
    assertEquals(expected, Int192.ofDistance(spacing.doubleValue()).toBigInteger());
    assertEquals(BigInteger.ZERO, Int192.ofDistance(0x1p99).toBigInteger());
    assertEquals(BigInteger.ONE.shiftLeft(162),
        Int192.ofDistance(0x1p162).toBigInteger());
  }
}
