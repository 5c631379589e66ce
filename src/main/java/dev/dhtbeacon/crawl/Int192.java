package dev.dhtbeacon.crawl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * An immutable 192-bit two's-complement integer: room for a 160-bit id, the keyspace's size
 * 2<sup>160</sup>, and the sums and differences of positions a sweep computes. The method names
 * are {@link BigInteger}'s, with the same results in that range.
 *
 * <p>Why not {@code BigInteger}: the sweep keeps its nodes in tree maps keyed by position and
 * walks them for every query it sends. With {@code BigInteger} keys, comparisons (a loop over
 * an {@code int[]} of variable length), additions and the arrays they allocate were nearly half
 * of the crawler event loop's Java samples (JFR, 15 000-node sweeps). Here a comparison is three
 * {@code long} comparisons and a result one small object. Division, multiplication and a modulus
 * that is not a power of two are rare (set-up only) and go through {@code BigInteger}.
 */
final class Int192 implements Comparable<Int192> {
  static final Int192 ZERO = new Int192(0, 0, 0);
  static final Int192 ONE = new Int192(0, 0, 1);
  private static final int BITS = 192;
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** Bits 128–191, signed; the value is {@code hi·2¹²⁸ + mid·2⁶⁴ + lo}. */
  private final long hi;
  /** Bits 64–127, unsigned. */
  private final long mid;
  /** Bits 0–63, unsigned. */
  private final long lo;

  private Int192(long hi, long mid, long lo) {
    this.hi = hi;
    this.mid = mid;
    this.lo = lo;
  }

  static Int192 valueOf(long value) {
    return new Int192(value >> 63, value >> 63, value);
  }

  /**
   * A distance in the keyspace given as a double (non-negative, under 2^163), rounded down to
   * a multiple of 2^100: far finer than any spacing between nodes, and one long multiplication.
   */
  static Int192 ofDistance(double distance) {
    return valueOf((long) (distance / 0x1p100)).shiftLeft(100);
  }

  /** The unsigned big-endian number in {@code bytes} (at most 24 of them). */
  static Int192 of(byte[] bytes) {
    if (bytes.length == 20) {  // an id: the common case, read as an int and two longs
      return new Int192(Integer.toUnsignedLong((int) INT.get(bytes, 0)), (long) LONG.get(bytes, 4),
          (long) LONG.get(bytes, 12));
    }
    if (bytes.length > BITS / 8) {
      throw new IllegalArgumentException("more than 24 bytes: " + bytes.length);
    }
    long[] limbs = new long[3];
    for (int i = 0; i < bytes.length; i++) {
      int bit = (bytes.length - 1 - i) * 8;
      limbs[2 - bit / 64] |= (bytes[i] & 0xffL) << (bit % 64);
    }
    return new Int192(limbs[0], limbs[1], limbs[2]);
  }

  /** @throws ArithmeticException if {@code value} needs more than 192 bits */
  static Int192 of(BigInteger value) {
    if (value.bitLength() >= BITS) {
      throw new ArithmeticException("out of range: " + value);
    }
    return new Int192(value.shiftRight(128).longValue(), value.shiftRight(64).longValue(),
        value.longValue());
  }

  /** A hexadecimal number, as {@code new BigInteger(hex, 16)} reads it. */
  static Int192 parseHex(String hex) {
    return of(new BigInteger(hex, 16));
  }

  /** Uniform in [0, 2<sup>bits</sup>), like {@code new BigInteger(bits, random)}. */
  static Int192 random(int bits, Random random) {
    if (bits < 0 || bits >= BITS) {
      throw new IllegalArgumentException("bits: " + bits);
    }
    if (bits == 0) {
      return ZERO;
    }
    // One call for all the bits: each call to a SecureRandom (the crawler's) costs a lock, a
    // hash and now and then a read of /dev/urandom, and nextLong would make six of them.
    byte[] bytes = new byte[(bits + 7) / 8];
    random.nextBytes(bytes);
    return of(bytes).and(ONE.shiftLeft(bits).subtract(ONE));
  }

  BigInteger toBigInteger() {
    return BigInteger.valueOf(hi).shiftLeft(128)
        .or(new BigInteger(Long.toUnsignedString(mid)).shiftLeft(64))
        .or(new BigInteger(Long.toUnsignedString(lo)));
  }

  /** The low {@code length} bytes, big-endian. */
  byte[] toBytes(int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      int bit = (length - 1 - i) * 8;
      out[i] = bit >= BITS ? (byte) (hi >> 63) : (byte) (limb(2 - bit / 64) >>> (bit % 64));
    }
    return out;
  }

  private long limb(int index) {
    return index == 0 ? hi : index == 1 ? mid : lo;
  }

  Int192 add(Int192 o) {
    long l = lo + o.lo;
    long carry = Long.compareUnsigned(l, lo) < 0 ? 1 : 0;
    long m1 = mid + o.mid;
    long carry1 = Long.compareUnsigned(m1, mid) < 0 ? 1 : 0;
    long m = m1 + carry;
    long carry2 = Long.compareUnsigned(m, m1) < 0 ? 1 : 0;
    return new Int192(hi + o.hi + carry1 + carry2, m, l);
  }

  Int192 negate() {
    return not().add(ONE);
  }

  Int192 abs() {
    return hi < 0 ? negate() : this;
  }

  Int192 subtract(Int192 o) {
    return add(o.negate());
  }

  Int192 not() {
    return new Int192(~hi, ~mid, ~lo);
  }

  Int192 and(Int192 o) {
    return new Int192(hi & o.hi, mid & o.mid, lo & o.lo);
  }

  Int192 or(Int192 o) {
    return new Int192(hi | o.hi, mid | o.mid, lo | o.lo);
  }

  Int192 xor(Int192 o) {
    return new Int192(hi ^ o.hi, mid ^ o.mid, lo ^ o.lo);
  }

  Int192 flipBit(int n) {
    return xor(ONE.shiftLeft(n));
  }

  boolean testBit(int n) {
    return n >= BITS ? hi < 0 : (limb(2 - n / 64) >>> (n % 64) & 1) != 0;
  }

  Int192 shiftLeft(int n) {
    if (n < 0) {
      return shiftRight(-n);
    }
    if (n >= BITS) {
      return ZERO;
    }
    if (n >= 128) {
      return new Int192(lo << (n - 128), 0, 0);
    }
    if (n >= 64) {
      int k = n - 64;
      return new Int192(k == 0 ? mid : mid << k | lo >>> (64 - k), lo << k, 0);
    }
    if (n == 0) {
      return this;
    }
    return new Int192(hi << n | mid >>> (64 - n), mid << n | lo >>> (64 - n), lo << n);
  }

  /** Arithmetic shift: rounds towards minus infinity, as {@code BigInteger} does. */
  Int192 shiftRight(int n) {
    if (n < 0) {
      return shiftLeft(-n);
    }
    long sign = hi >> 63;
    if (n >= BITS) {
      return new Int192(sign, sign, sign);
    }
    if (n >= 128) {
      return new Int192(sign, sign, hi >> (n - 128));
    }
    if (n >= 64) {
      int k = n - 64;
      return new Int192(sign, hi >> k, k == 0 ? mid : mid >>> k | hi << (64 - k));
    }
    if (n == 0) {
      return this;
    }
    return new Int192(hi >> n, mid >>> n | hi << (64 - n), lo >>> n | mid << (64 - n));
  }

  int signum() {
    return hi < 0 ? -1 : (hi | mid | lo) == 0 ? 0 : 1;
  }

  /** As {@link BigInteger#bitLength()}: the bits of the minimal form, sign bit excluded. */
  int bitLength() {
    Int192 x = hi < 0 ? not() : this;
    if (x.hi != 0) {
      return BITS - Long.numberOfLeadingZeros(x.hi);
    }
    if (x.mid != 0) {
      return 128 - Long.numberOfLeadingZeros(x.mid);
    }
    return 64 - Long.numberOfLeadingZeros(x.lo);
  }

  /** As {@link BigInteger#bitCount()}, for values ≥ 0. */
  int bitCount() {
    return Long.bitCount(hi) + Long.bitCount(mid) + Long.bitCount(lo);
  }

  int intValue() {
    return (int) lo;
  }

  double doubleValue() {
    if (hi < 0) {
      return -negate().doubleValue();  // the sum below would cancel catastrophically
    }
    return hi * 0x1p128 + unsigned(mid) * 0x1p64 + unsigned(lo);
  }

  private static double unsigned(long x) {
    double d = (double) (x >>> 1) * 2;
    return d + (x & 1);
  }

  Int192 min(Int192 o) {
    return compareTo(o) <= 0 ? this : o;
  }

  Int192 max(Int192 o) {
    return compareTo(o) >= 0 ? this : o;
  }

  /** The non-negative remainder, as {@link BigInteger#mod}; {@code m} must be positive. */
  Int192 mod(Int192 m) {
    if (m.signum() <= 0) {
      throw new ArithmeticException("modulus not positive: " + m);
    }
    if (m.bitCount() == 1) {
      return and(m.subtract(ONE));
    }
    return of(toBigInteger().mod(m.toBigInteger()));
  }

  Int192 divide(Int192 d) {
    if (signum() >= 0 && d.signum() > 0 && d.bitCount() == 1) {
      return shiftRight(d.bitLength() - 1);
    }
    return of(toBigInteger().divide(d.toBigInteger()));
  }

  Int192 multiply(Int192 o) {
    return of(toBigInteger().multiply(o.toBigInteger()));
  }

  @Override
  public int compareTo(Int192 o) {
    int c = Long.compare(hi, o.hi);
    if (c != 0) {
      return c;
    }
    c = Long.compareUnsigned(mid, o.mid);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Int192 x && x.hi == hi && x.mid == mid && x.lo == lo;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi * 31 * 31 + mid * 31 + lo);
  }

  /** Decimal, as {@link BigInteger#toString()}. */
  @Override
  public String toString() {
    return toBigInteger().toString();
  }
}
