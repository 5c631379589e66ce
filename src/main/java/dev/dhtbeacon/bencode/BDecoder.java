package dev.dhtbeacon.bencode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strict, bounded bencode decoder.
 *
 * <p>Strict: the input must be exactly one value; integers have no leading zeros, no
 * {@code -0}, and fit in a long; string lengths have no leading zeros; dictionary keys are
 * strings in strictly ascending unsigned byte order (no duplicates). So every accepted input is
 * canonical, and re-encoding it gives the same bytes.
 *
 * <p>Bounded: nesting depth, total element count, string length and input size are capped by
 * {@link Limits}, so a hostile datagram costs at most a bounded amount of stack, heap and time.
 * Every failure is a {@link BencodeException}; nothing else escapes.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BDecoder {
  /** Caps on what one input may cost. */
  public record Limits(int maxInput, int maxDepth, int maxElements, int maxStringLength) {
    /** Suits a KRPC datagram: 64 KiB, depth 32, 10 000 elements. */
    public static final Limits KRPC = new Limits(65_536, 32, 10_000, 65_536);

    public Limits {
      if (maxInput <= 0 || maxDepth <= 0 || maxElements <= 0 || maxStringLength < 0) {
        throw new IllegalArgumentException("limits must be positive: " + maxInput + ", "
            + maxDepth + ", " + maxElements + ", " + maxStringLength);
      }
    }
  }

  private final Limits limits;

  public BDecoder(Limits limits) {
    this.limits = limits;
  }

  public BDecoder() {
    this(Limits.KRPC);
  }

  public BValue decode(byte[] input) throws BencodeException {
    return decode(input, 0, input.length);
  }

  /** Decodes {@code input[offset, offset+length)}, which must hold exactly one value. */
  public BValue decode(byte[] input, int offset, int length) throws BencodeException {
    if (length > limits.maxInput()) {
      throw new BencodeException("input of " + length + " bytes exceeds " + limits.maxInput(), 0);
    }
    if (offset < 0 || length < 0 || offset > input.length - length) {
      throw new BencodeException("bad range", 0);
    }
    byte[] data = (offset == 0 && length == input.length)
        ? input : Arrays.copyOfRange(input, offset, offset + length);
    Cursor cursor = new Cursor(data);
    BValue value = cursor.value(0);
    if (cursor.pos != data.length) {
      throw new BencodeException("trailing bytes after value", cursor.pos);
    }
    return value;
  }

  /** Decodes and requires a dictionary at the top. */
  public BDictionary decodeDictionary(byte[] input) throws BencodeException {
    if (decode(input) instanceof BDictionary d) {
      return d;
    }
    throw new BencodeException("top-level value is not a dictionary", 0);
  }

  private final class Cursor {
    private final byte[] data;
    private int pos;
    private int elements;

    Cursor(byte[] data) {
      this.data = data;
    }

    BValue value(int depth) throws BencodeException {
      if (++elements > limits.maxElements()) {
        throw new BencodeException("more than " + limits.maxElements() + " elements", pos);
      }
      int c = peek();
      if (c == 'i') {
        pos++;
        return new BInteger(number('e', true));
      }
      if (c == 'l' || c == 'd') {
        if (depth >= limits.maxDepth()) {
          throw new BencodeException("nesting deeper than " + limits.maxDepth(), pos);
        }
        pos++;
        return c == 'l' ? list(depth + 1) : dictionary(depth + 1);
      }
      if (c >= '0' && c <= '9') {
        return BString.wrap(string());
      }
      throw new BencodeException("unexpected byte 0x" + Integer.toHexString(c), pos);
    }

    private BList list(int depth) throws BencodeException {
      List<BValue> items = new ArrayList<>();
      while (peek() != 'e') {
        items.add(value(depth));
      }
      pos++;
      return new BList(items);
    }

    private BDictionary dictionary(int depth) throws BencodeException {
      TreeMap<String, BValue> entries = new TreeMap<>();
      Map<String, int[]> spans = new HashMap<>();
      String previous = null;
      while (peek() != 'e') {
        int keyAt = pos;
        if (peek() < '0' || peek() > '9') {
          throw new BencodeException("dictionary key is not a string", pos);
        }
        String key = new String(string(), StandardCharsets.ISO_8859_1);
        if (previous != null && previous.compareTo(key) >= 0) {
          throw new BencodeException("dictionary keys not in canonical order", keyAt);
        }
        previous = key;
        int start = pos;
        entries.put(key, value(depth));
        spans.put(key, new int[] {start, pos});
      }
      pos++;
      return new BDictionary(entries, data, spans);
    }

    private byte[] string() throws BencodeException {
      int at = pos;
      long length = number(':', false);
      if (length > limits.maxStringLength()) {
        throw new BencodeException("string of " + length + " bytes exceeds "
            + limits.maxStringLength(), at);
      }
      if (length > data.length - pos) {
        throw new BencodeException("string of " + length + " bytes runs past the end", at);
      }
      byte[] bytes = Arrays.copyOfRange(data, pos, pos + (int) length);
      pos += (int) length;
      return bytes;
    }

    /** Reads a decimal number up to {@code end}; canonical form only. */
    private long number(char end, boolean signed) throws BencodeException {
      int start = pos;
      boolean negative = signed && peek() == '-';
      if (negative) {
        pos++;
      }
      int digitsAt = pos;
      long value = 0;
      int c;
      while ((c = peek()) != end) {
        if (c < '0' || c > '9') {
          throw new BencodeException("bad digit 0x" + Integer.toHexString(c), pos);
        }
        try {
          // Accumulated as a negative number so that Long.MIN_VALUE is representable.
          value = Math.subtractExact(Math.multiplyExact(value, 10), c - '0');
        } catch (ArithmeticException overflow) {
          throw new BencodeException("number does not fit in 64 bits", start);
        }
        pos++;
      }
      int digits = pos - digitsAt;
      pos++;
      if (digits == 0) {
        throw new BencodeException("empty number", start);
      }
      if (digits > 1 && data[digitsAt] == '0') {
        throw new BencodeException("leading zero", start);
      }
      if (negative && value == 0) {
        throw new BencodeException("negative zero", start);
      }
      if (negative) {
        return value;
      }
      if (value == Long.MIN_VALUE) {
        throw new BencodeException("number does not fit in 64 bits", start);
      }
      return -value;
    }

    private int peek() throws BencodeException {
      if (pos >= data.length) {
        throw new BencodeException("truncated input", pos);
      }
      return data[pos] & 0xff;
    }
  }
}
