package dev.dhtbeacon.crypto;

/**
 * z-base-32 (the human-oriented base-32 of Pkarr keys): a 32-byte key is 52 characters.
 * Encodes bits most significant first, without padding.
 */
public final class ZBase32 {
  private static final String ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";
  private static final int[] VALUES = new int[128];

  static {
    java.util.Arrays.fill(VALUES, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      VALUES[ALPHABET.charAt(i)] = i;
    }
  }

  private ZBase32() {
  }

  public static String encode(byte[] data) {
    StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  /**
   * Decodes {@code text} (lower case) into {@code byteLength} bytes.
   *
   * @throws IllegalArgumentException on a character outside the alphabet, a wrong length, or
   *     non-zero padding bits
   */
  public static byte[] decode(String text, int byteLength) {
    if (text.length() != (byteLength * 8 + 4) / 5) {
      throw new IllegalArgumentException("z-base32 for " + byteLength + " bytes has "
          + (byteLength * 8 + 4) / 5 + " characters, got " + text.length());
    }
    byte[] out = new byte[byteLength];
    int buffer = 0;
    int bits = 0;
    int at = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int v = c < 128 ? VALUES[c] : -1;
      if (v < 0) {
        throw new IllegalArgumentException("not a z-base32 character: '" + c + "'");
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[at++] = (byte) (buffer >> (bits - 8));
        bits -= 8;
      }
    }
    if ((buffer & ((1 << bits) - 1)) != 0) {
      throw new IllegalArgumentException("z-base32 text has non-zero trailing bits");
    }
    return out;
  }
}
