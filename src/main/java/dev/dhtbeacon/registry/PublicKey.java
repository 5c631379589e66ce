package dev.dhtbeacon.registry;

import dev.dhtbeacon.bencode.Hex;
import dev.dhtbeacon.crypto.Ed25519;
import dev.dhtbeacon.crypto.ZBase32;
import java.util.Arrays;
import java.util.Locale;

/**
 * A 32-byte Ed25519 public key: what a server publishes under and what a resolver asks for.
 * Immutable; prints as hex.
 */
public final class PublicKey {
  private final byte[] bytes;

  private PublicKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * @throws IllegalArgumentException unless {@code bytes} is 32 bytes long
   */
  public static PublicKey of(byte[] bytes) {
    if (bytes.length != Ed25519.PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException("public key must be 32 bytes, got " + bytes.length);
    }
    return new PublicKey(bytes.clone());
  }

  /**
   * Parses 64 hex characters or 52 z-base32 characters, either optionally prefixed {@code pk:}.
   *
   * @throws IllegalArgumentException with a message naming the accepted forms
   */
  public static PublicKey parse(String text) {
    String s = text.strip();
    if (s.regionMatches(true, 0, "pk:", 0, 3)) {
      s = s.substring(3);
    }
    try {
      if (s.length() == 64) {
        return new PublicKey(Hex.decode(s));
      }
      if (s.length() == 52) {
        return new PublicKey(ZBase32.decode(s.toLowerCase(Locale.ROOT), 32));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad public key '" + text + "': " + e.getMessage());
    }
    throw new IllegalArgumentException("bad public key '" + text + "': expected 64 hex or 52 "
        + "z-base32 characters, optionally prefixed with pk:");
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return Hex.encode(bytes);
  }

  /** The 52-character z-base32 form Pkarr uses. */
  public String zbase32() {
    return ZBase32.encode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
