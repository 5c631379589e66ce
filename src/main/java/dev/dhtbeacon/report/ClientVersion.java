package dev.dhtbeacon.report;

/**
 * A readable label for a KRPC {@code v} (client version). By convention it is two ASCII
 * letters naming the client and two bytes of version, shown here as the letters and the
 * version in hex ({@code "LT 0102"}); anything else is shown byte by byte, printable ASCII as
 * is and the rest as {@code \xNN}, cut at {@value #MAX_CHARS} characters. The label is plain
 * text: the page escapes it like every other string from the network.
 */
final class ClientVersion {
  static final int MAX_CHARS = 40;

  private ClientVersion() {
  }

  /** The label for {@code v}, whose chars are bytes (ISO-8859-1). */
  static String label(String v) {
    if (v.length() == 4 && isLetterOrDigit(v.charAt(0)) && isLetterOrDigit(v.charAt(1))) {
      return v.substring(0, 2) + " " + hex(v.charAt(2)) + hex(v.charAt(3));
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      if (b.length() >= MAX_CHARS) {
        return b.append('…').toString();
      }
      char c = v.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : "\\x" + hex(c));
    }
    return b.toString();
  }

  private static boolean isLetterOrDigit(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
  }

  private static String hex(char c) {
    return String.format("%02x", c & 0xff);
  }
}
