package dev.dhtbeacon.crawl;

import dev.dhtbeacon.crawl.SweepTable.Entry;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Which known nodes sit in a part of the keyspace that some answer has described completely,
 * and which node to aim at when one has not.
 *
 * <p>A node answers with the {@value #K} nodes of its table closest (by XOR) to the target, so
 * every node it knows in the target's aligned block of half the distance to the farthest one
 * named was named too: that block is described. A routing table is complete only near its
 * owner, so an answer counts only when the target lay within {@value #COMPETENT} spacings (by
 * XOR) of the node that gave it. A node in no described block may have neighbours nobody has
 * named yet, however often it was named itself: that is where the misses of a sweep that aims
 * its queries elsewhere cluster (a few nodes sharing a short subtree whose sibling is crowded).
 *
 * <p>Claims keep two queries in flight from aiming at the same cell. Described blocks are kept
 * by position and the lowest forgotten past a cap; an entry found described stays so.
 * Loop-confined, not thread-safe.
 */
final class SweepCoverage {
  static final int K = 8;
  static final double COMPETENT = 8;
  /** How far (in spacings, along the arc) from a node the cells it is asked to describe lie. */
  static final double REACH = 8;

  private final SweepTable table;
  private final Arc arc;
  /** Described blocks: position of the block's first id to the block's size in bits. */
  private final TreeMap<Int192, Integer> described = new TreeMap<>();
  private final int maxBlocks;

  SweepCoverage(SweepTable table, int maxBlocks) {
    this.table = table;
    this.arc = table.arc();
    this.maxBlocks = maxBlocks;
  }

  /**
   * The lowest node within {@value #REACH} spacings of {@code e}, not below its segment's
   * start, that may be alive, sits in no described block, is not claimed and lies where {@code
   * e}'s table is complete; or null. Claims its cell for {@code e}.
   */
  Entry undescribedNear(Entry e, double spacing) {
    Int192 reach = Int192.ofDistance(REACH * spacing);
    Int192 from = table.segmentStart(e.position).max(e.position.subtract(reach));
    Int192 id = Arc.value(e.contact.id());
    for (Entry x : table.byPosition().subMap(from, true, e.position.add(reach), true).values()) {
      if (!x.described && !x.claimed && x.status.maybeLive()
          && Arc.value(x.contact.id()).xor(id).doubleValue() < COMPETENT * spacing) {
        e.claim = cellOf(x.contact.id(), spacing);
        mark(e.claim, true, false);
        return x;
      }
    }
    return null;
  }

  /** Records what {@code e} answered, and releases its claim. */
  void answered(Entry e, List<Contact> named, double spacing) {
    release(e);
    if (e.target == null) {
      return;
    }
    Int192 t = Arc.value(e.target);
    int competent = Math.getExponent(COMPETENT * spacing);
    if (t.xor(Arc.value(e.contact.id())).bitLength() > competent) {
      return;
    }
    int sizeBits = competent;
    if (named.size() >= K) {
      Int192 far = Int192.ZERO;
      for (Contact c : named) {
        far = far.max(t.xor(Arc.value(c.id())));
      }
      sizeBits = Math.min(sizeBits, far.bitLength() - 1);
    }
    sizeBits = Math.min(sizeBits, NodeId.BITS - arc.prefixBits() - 1);
    if (sizeBits < 0) {
      return;
    }
    SweepTargets.Block block = new SweepTargets.Block(t.shiftRight(sizeBits).shiftLeft(sizeBits),
        sizeBits);
    described.merge(arc.position(block.lo()), sizeBits, Math::max);
    while (described.size() > maxBlocks) {
      described.pollFirstEntry();
    }
    mark(block, false, true);
  }

  /** Releases the claim of a query that got no answer. */
  void release(Entry e) {
    if (e.claim != null) {
      mark(e.claim, false, false);
      e.claim = null;
    }
  }

  /** Marks a node just heard of as described if a described block holds it. */
  void discovered(Entry x, double spacing) {
    Int192 v = Arc.value(x.contact.id());
    int top = Math.min(Math.getExponent(COMPETENT * spacing),
        NodeId.BITS - arc.prefixBits() - 1);
    for (int sizeBits = Math.max(0, Math.getExponent(spacing) - 4); sizeBits <= top; sizeBits++) {
      Integer size = described.get(arc.position(v.shiftRight(sizeBits).shiftLeft(sizeBits)));
      if (size != null && size >= sizeBits) {
        x.described = true;
        return;
      }
    }
  }

  /** The aligned block of about one spacing holding {@code id}. */
  private SweepTargets.Block cellOf(NodeId id, double spacing) {
    int bits = Math.max(0, Math.min(NodeId.BITS - arc.prefixBits() - 1,
        Math.getExponent(spacing)));
    return new SweepTargets.Block(Arc.value(id).shiftRight(bits).shiftLeft(bits), bits);
  }

  /** Sets the claim flag of (and, if {@code describe}, describes) every entry in the block. */
  private void mark(SweepTargets.Block b, boolean claim, boolean describe) {
    Int192 from = arc.position(b.lo());
    Int192 to = arc.position(b.lo().add(Int192.ONE.shiftLeft(b.sizeBits())).subtract(Int192.ONE));
    NavigableMap<Int192, Entry> all = table.byPosition();
    if (from.compareTo(to) <= 0) {
      mark(all.subMap(from, true, to, true), claim, describe);
    } else {
      mark(all.tailMap(from, true), claim, describe);
      mark(all.headMap(to, true), claim, describe);
    }
  }

  private static void mark(Map<Int192, Entry> entries, boolean claim, boolean describe) {
    for (Entry x : entries.values()) {
      x.claimed = claim;
      x.described |= describe;
    }
  }
}
