package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BencodeException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Node and infohash records as the crawl database stores them: fixed binary layouts behind a
 * format byte, written and read once per record and per write (twenty times per answering node
 * for infohashes), so no dictionary is built. Records of older files, bencoded dictionaries,
 * are still read: they start with {@code 'd'}, which no binary format byte is.
 */
final class CrawlRecordCodec {
  private static final byte BINARY_V1 = 1;
  private static final byte BENCODED = 'd';
  private static final int FLAG_BEP42 = 1;
  private static final int FLAG_READ_ONLY = 2;
  private static final int FLAG_VERSION = 4;

  private CrawlRecordCodec() {
  }

  static byte[] encode(CrawlNode n) {
    byte[] v = n.version() == null ? new byte[0]
        : n.version().getBytes(StandardCharsets.ISO_8859_1);
    int vLength = Math.min(v.length, 0xffff);
    ByteBuffer b = ByteBuffer.allocate(1 + 1 + n.ip().length + 2 + 1 + 1 + 6 * 8 + 2 * 4 + 2
        + vLength);
    b.put(BINARY_V1).put((byte) n.ip().length).put(n.ip()).putShort((short) n.port());
    int flags = (n.bep42Valid() ? FLAG_BEP42 : 0) | (n.readOnly() ? FLAG_READ_ONLY : 0)
        | (n.version() != null ? FLAG_VERSION : 0);
    b.put((byte) flags).put((byte) n.bep51());
    b.putLong(n.rttMillis()).putLong(n.firstSeenMillis()).putLong(n.lastAnsweredMillis())
        .putLong(n.lastQueriedMillis()).putLong(n.num()).putLong(n.sweep());
    b.putInt(n.intervalSeconds()).putInt(n.failures());
    b.putShort((short) vLength).put(v, 0, vLength);
    return b.array();
  }

  /**
   * The node record {@code bytes} (binary, or bencoded by an older version).
   *
   * @throws IllegalStateException if the record is truncated or of an unknown format
   */
  static CrawlNode decodeNode(String idHex, byte[] bytes, BDecoder decoder) {
    if (bytes.length > 0 && bytes[0] == BENCODED) {
      return CrawlNode.fromBencode(idHex, bencoded(bytes, decoder));
    }
    ByteBuffer b = binary(bytes);
    try {
      byte[] ip = new byte[b.get()];
      b.get(ip);
      int port = b.getShort() & 0xffff;
      int flags = b.get();
      int bep51 = b.get();
      long rtt = b.getLong();
      long first = b.getLong();
      long answered = b.getLong();
      long queried = b.getLong();
      long num = b.getLong();
      long sweep = b.getLong();
      int interval = b.getInt();
      int failures = b.getInt();
      byte[] v = new byte[b.getShort() & 0xffff];
      b.get(v);
      return new CrawlNode(idHex, ip, port,
          (flags & FLAG_VERSION) != 0 ? new String(v, StandardCharsets.ISO_8859_1) : null, rtt,
          first, answered, queried, (flags & FLAG_BEP42) != 0, (flags & FLAG_READ_ONLY) != 0,
          bep51, num, interval, failures, sweep);
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      throw new IllegalStateException("truncated node entry " + idHex);
    }
  }

  static byte[] encode(CrawlInfohash h) {
    return ByteBuffer.allocate(1 + 3 * 8 + h.recentReporters().length).put(BINARY_V1)
        .putLong(h.firstSeenMillis()).putLong(h.lastSeenMillis()).putLong(h.reporters())
        .put(h.recentReporters()).array();
  }

  /**
   * The infohash record {@code bytes} (binary, or bencoded by an older version).
   *
   * @throws IllegalStateException if the record is truncated or of an unknown format
   */
  static CrawlInfohash decodeInfohash(byte[] bytes, BDecoder decoder) {
    if (bytes.length > 0 && bytes[0] == BENCODED) {
      return CrawlInfohash.fromBencode(bencoded(bytes, decoder));
    }
    ByteBuffer b = binary(bytes);
    try {
      long first = b.getLong();
      long last = b.getLong();
      long reporters = b.getLong();
      byte[] by = new byte[b.remaining()];
      b.get(by);
      return new CrawlInfohash(first, last, reporters, by);
    } catch (BufferUnderflowException e) {
      throw new IllegalStateException("truncated infohash entry");
    }
  }

  private static ByteBuffer binary(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] != BINARY_V1) {
      throw new IllegalStateException("unknown record format "
          + (bytes.length == 0 ? "(empty)" : Integer.toString(bytes[0] & 0xff)));
    }
    return ByteBuffer.wrap(bytes, 1, bytes.length - 1);
  }

  private static dev.dhtbeacon.bencode.BDictionary bencoded(byte[] bytes, BDecoder decoder) {
    try {
      return decoder.decodeDictionary(bytes);
    } catch (BencodeException e) {
      throw new IllegalStateException("corrupt bencoded entry: " + e.getMessage());
    }
  }
}
