package dev.dhtbeacon.report;

import java.util.Locale;

/** Escaping and number formatting for the report page. */
final class Html {
  private Html() {
  }

  /**
   * {@code text} safe inside an element or a quoted attribute: {@code & < > " '} become
   * entities, and control characters (which XML, and so inline SVG, forbids) become U+FFFD.
   */
  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c < 0x20 && c != '\n' && c != '\t' || c == 0x7f ? '\ufffd' : c);
      }
    }
    return b.toString();
  }

  /** A count with thousands separators: {@code 1,234,567}. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A share of {@code total} as a percentage with one decimal, or "–" when total is 0. */
  static String percent(long part, long total) {
    return total == 0 ? "–" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / total);
  }

  /** A coordinate for SVG: at most one decimal, no locale surprises. */
  static String coord(double v) {
    long tenths = Math.round(v * 10);
    return tenths % 10 == 0 ? Long.toString(tenths / 10)
        : String.format(Locale.ROOT, "%.1f", tenths / 10.0);
  }
}
