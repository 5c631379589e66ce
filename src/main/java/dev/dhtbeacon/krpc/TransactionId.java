package dev.dhtbeacon.krpc;

import dev.dhtbeacon.bencode.Hex;
import java.util.Arrays;

/**
 * A KRPC transaction id. Ours are 4 random bytes; peers use anything from 1 to a few bytes
 * (libtorrent 2, mldht 6), so any length up to {@link #MAX_LENGTH} is accepted.
 */
public final class TransactionId {
  /** Longest tid we accept from a peer; longer ones mark a malformed message. */
  public static final int MAX_LENGTH = 32;

  private final byte[] bytes;

  private TransactionId(byte[] bytes) {
    this.bytes = bytes;
  }

  public static TransactionId of(byte[] bytes) {
    if (bytes.length > MAX_LENGTH) {
      throw new IllegalArgumentException("transaction id of " + bytes.length + " bytes");
    }
    return new TransactionId(bytes.clone());
  }

  /** Our 4-byte form of {@code value}. */
  public static TransactionId ofInt(int value) {
    return new TransactionId(new byte[] {
        (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
  }

  /** The int this tid stands for if it has our 4-byte form, else -1L. */
  public long asOurs() {
    if (bytes.length != 4) {
      return -1L;
    }
    return ((bytes[0] & 0xffL) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8)
        | (bytes[3] & 0xff);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransactionId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return Hex.encode(bytes);
  }
}
