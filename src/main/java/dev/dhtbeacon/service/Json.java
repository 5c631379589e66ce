package dev.dhtbeacon.service;

import java.util.Collection;
import java.util.Map;

/**
 * Writes the JSON the commands print with {@code --json} and the HTTP endpoints serve: strings,
 * numbers, booleans, null, lists and nested maps ({@link JsonReader} reads it back). A few
 * dozen lines do not justify a JSON dependency. NaN and infinities, which JSON lacks, are null.
 */
public final class Json {
  private Json() {
  }

  /** The JSON text of {@code value} (maps keep their iteration order). */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    append(value, out);
    return out.toString();
  }

  private static void append(Object value, StringBuilder out) {
    if (value == null || value instanceof Double d && !Double.isFinite(d)) {
      out.append("null");
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(sep);
        string(String.valueOf(e.getKey()), out);
        out.append(':');
        append(e.getValue(), out);
        sep = ",";
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      String sep = "";
      for (Object item : list) {
        out.append(sep);
        append(item, out);
        sep = ",";
      }
      out.append(']');
    } else {
      string(value.toString(), out);
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
