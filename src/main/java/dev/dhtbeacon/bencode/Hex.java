package dev.dhtbeacon.bencode;

/** Lower-case hexadecimal; the one hex codec in the project (HexFormat is Java 17 but slower to type). */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {
  }

  public static String encode(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /**
   * Decodes hex, either case.
   *
   * @throws IllegalArgumentException if {@code hex} has odd length or a non-hex character
   */
  public static byte[] decode(CharSequence hex) {
    if (hex.length() % 2 != 0) {
      throw new IllegalArgumentException("hex string has odd length " + hex.length());
    }
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (digit(hex.charAt(2 * i)) << 4 | digit(hex.charAt(2 * i + 1)));
    }
    return out;
  }

  private static int digit(char c) {
    int d = Character.digit(c, 16);
    if (d < 0) {
      throw new IllegalArgumentException("not a hex digit: '" + c + "'");
    }
    return d;
  }
}
