package dev.dhtbeacon.registry;

import dev.dhtbeacon.crypto.Ed25519;
import java.security.SecureRandom;

/**
 * An Ed25519 key pair held as its 32-byte seed. {@link #toString()} never shows the seed, so a
 * key pair that reaches a log line leaks nothing.
 */
public final class KeyPair {
  private final byte[] seed;
  private final PublicKey publicKey;

  private KeyPair(byte[] seed) {
    this.seed = seed;
    this.publicKey = PublicKey.of(Ed25519.publicKey(seed));
  }

  /** A new random key pair. */
  public static KeyPair generate() {
    return new KeyPair(Ed25519.newSeed(new SecureRandom()));
  }

  /**
   * The key pair of a 32-byte seed.
   *
   * @throws IllegalArgumentException unless the seed is 32 bytes
   */
  public static KeyPair fromSeed(byte[] seed) {
    if (seed.length != Ed25519.SEED_LENGTH) {
      throw new IllegalArgumentException("seed must be 32 bytes, got " + seed.length);
    }
    return new KeyPair(seed.clone());
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** Signs {@code message}. */
  public byte[] sign(byte[] message) {
    return Ed25519.sign(seed, publicKey.bytes(), message);
  }

  /** A copy of the seed, for writing the key file. */
  byte[] seed() {
    return seed.clone();
  }

  @Override
  public String toString() {
    return "KeyPair[public " + publicKey.hex() + "]";
  }
}
