package dev.dhtbeacon.crawl;

import dev.dhtbeacon.routing.NodeId;

/**
 * The part of the 160-bit keyspace one sweep walks, and the order it walks it in: ids from
 * {@code lo} (inclusive) over {@code span} ids, starting at {@code lo + start} and wrapping
 * around. A full sweep is the whole keyspace from 0; a zone pass is one n-bit prefix zone from a
 * random point inside it. A position is an id's offset from the start along the walk.
 */
record Arc(Int192 lo, Int192 span, Int192 start) {
  static final Int192 KEYSPACE = Int192.ONE.shiftLeft(NodeId.BITS);

  Arc {
    if (span.signum() <= 0 || start.signum() < 0 || start.compareTo(span) >= 0
        || lo.add(span).compareTo(KEYSPACE) > 0) {
      throw new IllegalArgumentException("bad arc lo=" + lo + " span=" + span + " start=" + start);
    }
  }

  /** The whole keyspace from 0x00… upward. */
  static Arc full() {
    return new Arc(Int192.ZERO, KEYSPACE, Int192.ZERO);
  }

  /** The zone of ids whose first {@code bits} bits equal those of {@code inZone}, from there. */
  static Arc zone(NodeId inZone, int bits) {
    Int192 span = Int192.ONE.shiftLeft(NodeId.BITS - bits);
    Int192 id = value(inZone);
    Int192 lo = id.subtract(id.mod(span));
    return new Arc(lo, span, id.subtract(lo));
  }

  /** How many leading bits all ids of the arc share (0 for the whole keyspace). */
  int prefixBits() {
    return NodeId.BITS - (span.bitLength() - 1);
  }

  /** The position of an id, or null if the arc does not contain it. */
  Int192 positionOrNull(NodeId id) {
    Int192 v = value(id);
    return v.compareTo(lo) >= 0 && v.compareTo(lo.add(span)) < 0 ? position(v) : null;
  }

  /** The position of an id inside the arc (see {@link #positionOrNull} for any id). */
  Int192 position(NodeId id) {
    return value(id).subtract(lo).subtract(start).mod(span);
  }

  /** The position of an id value inside the arc, which must contain it. */
  Int192 position(Int192 idValue) {
    return idValue.subtract(lo).subtract(start).mod(span);
  }

  /** The id at a position. */
  NodeId idAt(Int192 position) {
    return id(lo.add(start.add(position).mod(span)));
  }

  /** A position as a fraction of the arc, in [0, 1). */
  double fraction(Int192 position) {
    return position.doubleValue() / span.doubleValue();
  }

  static Int192 value(NodeId id) {
    return Int192.of(id.bytes());
  }

  static NodeId id(Int192 value) {
    return NodeId.of(value.toBytes(NodeId.LENGTH));
  }
}
