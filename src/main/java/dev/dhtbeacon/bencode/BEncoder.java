package dev.dhtbeacon.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes canonical bencode: dictionary keys in unsigned byte order, shortest integer forms. */
public final class BEncoder {
  private BEncoder() {
  }

  public static byte[] encode(BValue value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    write(value, out);
    return out.toByteArray();
  }

  public static void write(BValue value, ByteArrayOutputStream out) {
    if (value instanceof BString s) {
      writeString(s.unsafeBytes(), out);
    } else if (value instanceof BInteger i) {
      out.write('i');
      writeAscii(Long.toString(i.value()), out);
      out.write('e');
    } else if (value instanceof BList l) {
      out.write('l');
      for (BValue item : l.items()) {
        write(item, out);
      }
      out.write('e');
    } else if (value instanceof BDictionary d) {
      out.write('d');
      for (Map.Entry<String, BValue> e : d.entries().entrySet()) {
        writeString(e.getKey().getBytes(StandardCharsets.ISO_8859_1), out);
        write(e.getValue(), out);
      }
      out.write('e');
    }
  }

  private static void writeString(byte[] bytes, ByteArrayOutputStream out) {
    writeAscii(Integer.toString(bytes.length), out);
    out.write(':');
    out.writeBytes(bytes);
  }

  private static void writeAscii(String s, ByteArrayOutputStream out) {
    for (int i = 0; i < s.length(); i++) {
      out.write(s.charAt(i));
    }
  }
}
