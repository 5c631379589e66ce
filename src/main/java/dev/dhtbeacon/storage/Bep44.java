package dev.dhtbeacon.storage;

import dev.dhtbeacon.routing.NodeId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** BEP 44 constants, targets and the buffer a mutable item's signature covers. */
public final class Bep44 {
  /** Largest encoded {@code v}, in bytes (error 205 above). */
  public static final int MAX_VALUE_BYTES = 1000;
  /** Largest salt, in bytes (error 207 above). */
  public static final int MAX_SALT_BYTES = 64;

  private Bep44() {
  }

  /**
   * The bytes a mutable item's signature covers: {@code 4:salt<len>:<salt>} when salted, then
   * {@code 3:seqi<seq>e1:v} and the encoded value, exactly as BEP 44 lays them out.
   */
  public static byte[] signedBuffer(byte[] salt, long seq, byte[] encodedValue) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(encodedValue.length + 96);
    if (salt != null && salt.length > 0) {
      out.writeBytes(ascii("4:salt" + salt.length + ":"));
      out.writeBytes(salt);
    }
    out.writeBytes(ascii("3:seqi" + seq + "e1:v"));
    out.writeBytes(encodedValue);
    return out.toByteArray();
  }

  /** A mutable item's target: SHA-1(k), or SHA-1(k ‖ salt) when salted. */
  public static NodeId mutableTarget(byte[] publicKey, byte[] salt) {
    MessageDigest sha1 = sha1();
    sha1.update(publicKey);
    if (salt != null) {
      sha1.update(salt);
    }
    return NodeId.of(sha1.digest());
  }

  /** An immutable item's target: SHA-1 of its encoded value. */
  public static NodeId immutableTarget(byte[] encodedValue) {
    return NodeId.of(sha1().digest(encodedValue));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-1", e);
    }
  }
}
