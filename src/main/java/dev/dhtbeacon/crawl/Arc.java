package dev.dhtbeacon.crawl;

import dev.dhtbeacon.routing.NodeId;
import java.math.BigInteger;

/**
 * The part of the 160-bit keyspace one sweep walks, and the order it walks it in: ids from
 * {@code lo} (inclusive) over {@code span} ids, starting at {@code lo + start} and wrapping
 * around. A full sweep is the whole keyspace from 0; a zone pass is one n-bit prefix zone from a
 * random point inside it. A position is an id's offset from the start along the walk.
 */
record Arc(BigInteger lo, BigInteger span, BigInteger start) {
  static final BigInteger KEYSPACE = BigInteger.ONE.shiftLeft(NodeId.BITS);

  Arc {
    if (span.signum() <= 0 || start.signum() < 0 || start.compareTo(span) >= 0
        || lo.add(span).compareTo(KEYSPACE) > 0) {
      throw new IllegalArgumentException("bad arc lo=" + lo + " span=" + span + " start=" + start);
    }
  }

  /** The whole keyspace from 0x00… upward. */
  static Arc full() {
    return new Arc(BigInteger.ZERO, KEYSPACE, BigInteger.ZERO);
  }

  /** The zone of ids whose first {@code bits} bits equal those of {@code inZone}, from there. */
  static Arc zone(NodeId inZone, int bits) {
    BigInteger span = BigInteger.ONE.shiftLeft(NodeId.BITS - bits);
    BigInteger id = value(inZone);
    BigInteger lo = id.subtract(id.mod(span));
    return new Arc(lo, span, id.subtract(lo));
  }

  /** How many leading bits all ids of the arc share (0 for the whole keyspace). */
  int prefixBits() {
    return NodeId.BITS - (span.bitLength() - 1);
  }

  boolean contains(NodeId id) {
    BigInteger v = value(id);
    return v.compareTo(lo) >= 0 && v.compareTo(lo.add(span)) < 0;
  }

  /** The position of an id inside the arc; call only when {@link #contains}. */
  BigInteger position(NodeId id) {
    return value(id).subtract(lo).subtract(start).mod(span);
  }

  /** The position of an id value inside the arc, which must contain it. */
  BigInteger position(BigInteger idValue) {
    return idValue.subtract(lo).subtract(start).mod(span);
  }

  /** The id at a position. */
  NodeId idAt(BigInteger position) {
    return id(lo.add(start.add(position).mod(span)));
  }

  /** A position as a fraction of the arc, in [0, 1). */
  double fraction(BigInteger position) {
    return position.doubleValue() / span.doubleValue();
  }

  static BigInteger value(NodeId id) {
    return new BigInteger(1, id.bytes());
  }

  static NodeId id(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[NodeId.LENGTH];
    int copy = Math.min(raw.length, NodeId.LENGTH);
    System.arraycopy(raw, raw.length - copy, out, NodeId.LENGTH - copy, copy);
    return NodeId.of(out);
  }
}
