package dev.dhtbeacon.routing;

import dev.dhtbeacon.bencode.Hex;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;

/**
 * A 160-bit Kademlia identifier: a node id, an infohash or a BEP 44 target.
 *
 * <p>Immutable. Orders as an unsigned big-endian number, so XOR distances compare correctly.
 */
public final class NodeId implements Comparable<NodeId> {
  /** Length of an id in bytes. */
  public static final int LENGTH = 20;
  /** Length of an id in bits. */
  public static final int BITS = 160;

  private final byte[] bytes;
  private final int hash;

  private NodeId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /**
   * An id holding a copy of {@code bytes}.
   *
   * @throws IllegalArgumentException if {@code bytes} is not 20 bytes long
   */
  public static NodeId of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("node id must be 20 bytes, got " + bytes.length);
    }
    return new NodeId(bytes.clone());
  }

  /** Reads 20 bytes at {@code offset}. */
  public static NodeId of(byte[] bytes, int offset) {
    return new NodeId(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
  }

  /** Parses 40 hex characters. */
  public static NodeId ofHex(String hex) {
    return of(Hex.decode(hex));
  }

  public static NodeId random(Random random) {
    byte[] b = new byte[LENGTH];
    random.nextBytes(b);
    return new NodeId(b);
  }

  public static NodeId random() {
    return random(new SecureRandom());
  }

  /**
   * A uniformly random id sharing exactly {@code bits} leading bits with {@code id}, or at least
   * that many if {@code orMore}: an id in the range of the routing-table bucket at that depth
   * (the deepest bucket holds the ids that share more).
   */
  public static NodeId randomSharingPrefix(NodeId id, int bits, boolean orMore, Random random) {
    byte[] out = new byte[LENGTH];
    random.nextBytes(out);
    int fixed = orMore ? bits : bits + 1;
    for (int bit = 0; bit < fixed; bit++) {
      boolean value = id.bit(bit) ^ (bit == bits);
      int mask = 0x80 >>> (bit & 7);
      out[bit >>> 3] = (byte) (value ? (out[bit >>> 3] | mask) : (out[bit >>> 3] & ~mask));
    }
    return new NodeId(out);
  }

  /** The id with every bit zero, the bottom of the keyspace. */
  public static NodeId zero() {
    return new NodeId(new byte[LENGTH]);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** Copies the 20 bytes into {@code dst} at {@code offset}. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, LENGTH);
  }

  /** Bit {@code index}, 0 being the most significant. */
  public boolean bit(int index) {
    return (bytes[index >>> 3] & (0x80 >>> (index & 7))) != 0;
  }

  /** This id with bit {@code index} set to {@code value}. */
  public NodeId withBit(int index, boolean value) {
    byte[] b = bytes.clone();
    if (value) {
      b[index >>> 3] |= (byte) (0x80 >>> (index & 7));
    } else {
      b[index >>> 3] &= (byte) ~(0x80 >>> (index & 7));
    }
    return new NodeId(b);
  }

  /** The XOR distance to {@code other}, itself a 160-bit number. */
  public NodeId xor(NodeId other) {
    byte[] b = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      b[i] = (byte) (bytes[i] ^ other.bytes[i]);
    }
    return new NodeId(b);
  }

  /** Number of leading bits this id shares with {@code other} (160 when equal). */
  public int commonPrefixLength(NodeId other) {
    for (int i = 0; i < LENGTH; i++) {
      int x = (bytes[i] ^ other.bytes[i]) & 0xff;
      if (x != 0) {
        return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
      }
    }
    return BITS;
  }

  /**
   * Compares the distances {@code this ^ a} and {@code this ^ b} without allocating: negative
   * when {@code a} is closer to this id.
   */
  public int compareDistance(NodeId a, NodeId b) {
    for (int i = 0; i < LENGTH; i++) {
      int da = (a.bytes[i] ^ bytes[i]) & 0xff;
      int db = (b.bytes[i] ^ bytes[i]) & 0xff;
      if (da != db) {
        return da - db;
      }
    }
    return 0;
  }

  /** Unsigned big-endian comparison. */
  @Override
  public int compareTo(NodeId other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeId other && hash == other.hash && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** 40 lower-case hex characters. */
  public String hex() {
    return Hex.encode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
