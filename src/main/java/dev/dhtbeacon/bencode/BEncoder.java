package dev.dhtbeacon.bencode;

import java.util.Map;

/**
 * Writes canonical bencode: dictionary keys in unsigned byte order, shortest integer forms.
 *
 * <p>Two passes: the exact length first, then the bytes straight into an array of that size,
 * so encoding allocates one array and never copies or synchronises (a
 * {@code ByteArrayOutputStream} does both; this is the codec's hot path, see BENCHMARKS.md).
 */
public final class BEncoder {
  private BEncoder() {
  }

  public static byte[] encode(BValue value) {
    byte[] out = new byte[length(value)];
    int end = write(value, out, 0);
    assert end == out.length;
    return out;
  }

  /** The number of bytes {@link #encode} produces for {@code value}. */
  public static int length(BValue value) {
    if (value instanceof BString s) {
      return stringLength(s.length());
    }
    if (value instanceof BInteger i) {
      return 2 + digits(i.value());
    }
    int n = 2;
    if (value instanceof BList l) {
      for (BValue item : l.items()) {
        n += length(item);
      }
    } else if (value instanceof BDictionary d) {
      for (Map.Entry<String, BValue> e : d.entries().entrySet()) {
        n += stringLength(e.getKey().length()) + length(e.getValue());
      }
    }
    return n;
  }

  private static int write(BValue value, byte[] out, int at) {
    if (value instanceof BString s) {
      byte[] bytes = s.unsafeBytes();
      at = writeLong(bytes.length, out, at);
      out[at++] = ':';
      System.arraycopy(bytes, 0, out, at, bytes.length);
      return at + bytes.length;
    }
    if (value instanceof BInteger i) {
      out[at++] = 'i';
      at = writeLong(i.value(), out, at);
      out[at++] = 'e';
      return at;
    }
    if (value instanceof BList l) {
      out[at++] = 'l';
      for (BValue item : l.items()) {
        at = write(item, out, at);
      }
    } else if (value instanceof BDictionary d) {
      out[at++] = 'd';
      for (Map.Entry<String, BValue> e : d.entries().entrySet()) {
        String key = e.getKey();
        at = writeLong(key.length(), out, at);
        out[at++] = ':';
        for (int c = 0; c < key.length(); c++) {
          // Keys hold one byte per char (ISO-8859-1), see BDictionary.
          out[at++] = (byte) key.charAt(c);
        }
        at = write(e.getValue(), out, at);
      }
    }
    out[at++] = 'e';
    return at;
  }

  private static int stringLength(int length) {
    return digits(length) + 1 + length;
  }

  /** Decimal characters of {@code v}, sign included. */
  private static int digits(long v) {
    if (v == Long.MIN_VALUE) {
      return 20;
    }
    int n = v < 0 ? 2 : 1;
    for (long x = Math.abs(v); x >= 10; x /= 10) {
      n++;
    }
    return n;
  }

  private static int writeLong(long v, byte[] out, int at) {
    int n = digits(v);
    int end = at + n;
    if (v == Long.MIN_VALUE) {
      byte[] min = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      System.arraycopy(min, 0, out, at, min.length);
      return end;
    }
    if (v < 0) {
      out[at] = '-';
      v = -v;
    }
    int pos = end;
    do {
      out[--pos] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    return end;
  }
}
