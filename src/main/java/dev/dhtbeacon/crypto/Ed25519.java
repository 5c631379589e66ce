package dev.dhtbeacon.crypto;

import java.security.SecureRandom;

/**
 * Ed25519 (RFC 8032) signing and verification over BouncyCastle's low-level implementation,
 * chosen on measured figures over the JDK's {@code EdDSA} provider (see BENCHMARKS.md):
 * every stored and resolved BEP 44 item is verified, so verification speed matters.
 *
 * <p>Stateless and thread-safe.
 */
public final class Ed25519 {
  /** Seed (private key) length. */
  public static final int SEED_LENGTH = 32;
  /** Public key length. */
  public static final int PUBLIC_KEY_LENGTH = 32;
  /** Signature length. */
  public static final int SIGNATURE_LENGTH = 64;

  static {
    org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
  }

  private Ed25519() {
  }

  /** A fresh random 32-byte seed. */
  public static byte[] newSeed(SecureRandom random) {
    byte[] seed = new byte[SEED_LENGTH];
    random.nextBytes(seed);
    return seed;
  }

  /**
   * The public key of {@code seed}.
   *
   * @throws IllegalArgumentException if the seed is not 32 bytes
   */
  public static byte[] publicKey(byte[] seed) {
    checkLength(seed, SEED_LENGTH, "seed");
    byte[] pk = new byte[PUBLIC_KEY_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pk, 0);
    return pk;
  }

  /** Signs {@code message} with {@code seed} whose public key is {@code publicKey}. */
  public static byte[] sign(byte[] seed, byte[] publicKey, byte[] message) {
    checkLength(seed, SEED_LENGTH, "seed");
    checkLength(publicKey, PUBLIC_KEY_LENGTH, "public key");
    byte[] sig = new byte[SIGNATURE_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, publicKey, 0, message, 0,
        message.length, sig, 0);
    return sig;
  }

  /**
   * Whether {@code signature} is {@code publicKey}'s signature of {@code message}. Wrong lengths
   * and invalid points are simply false.
   */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || signature == null || publicKey.length != PUBLIC_KEY_LENGTH
        || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, publicKey, 0, message,
          0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void checkLength(byte[] value, int length, String what) {
    if (value == null || value.length != length) {
      throw new IllegalArgumentException(what + " must be " + length + " bytes, got "
          + (value == null ? "null" : value.length));
    }
  }
}
