package dev.dhtbeacon.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A bencode byte string. Holds its own copy of the bytes; never exposes it. */
public final class BString implements BValue {
  private final byte[] bytes;

  private BString(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A byte string holding a copy of {@code bytes}. */
  public static BString of(byte[] bytes) {
    return new BString(bytes.clone());
  }

  /** A byte string holding the UTF-8 encoding of {@code text}. */
  public static BString of(String text) {
    return new BString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Wraps {@code bytes} without a copy; the caller gives up ownership. */
  static BString wrap(byte[] bytes) {
    return new BString(bytes);
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  /** The bytes read as UTF-8 (malformed sequences become U+FFFD). */
  public String utf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The bytes mapped one to one onto chars; the form dictionary keys use. */
  public String latin1() {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  byte[] unsafeBytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BString other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    for (byte b : bytes) {
      if (b < 0x20 || b > 0x7e) {
        return "0x" + Hex.encode(bytes);
      }
    }
    return '"' + latin1() + '"';
  }
}
