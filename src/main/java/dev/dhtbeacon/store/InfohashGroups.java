package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.routing.NodeId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.mapdb.Atomic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Infohash records in a file, in groups: one MapDB entry holds the records of up to
 * {@value #MAX_GROUP} adjacent infohashes, sorted, under the 20 bytes of the lowest infohash
 * its range admits (MapDB orders byte keys as unsigned); a group covers its key up to the next
 * group's key (the first group's key is all zeros). A batch of reports, sorted, rewrites each
 * group it touches once, and a group that outgrows {@value #MAX_GROUP} records is cut into
 * half-full ones, as a B-tree splits a leaf.
 *
 * <p>Why: a MapDB write in a transactional file costs 13–25 µs, whatever its size up to a few
 * kilobytes, and an uncapped sweep reports 100 000 infohashes a second. One entry per
 * infohash held the crawl to 3 300 packets per CPU-second. Grouped, the cost of a batch
 * follows the number of groups it touches, not the number of reports in it: a batch much
 * smaller than the table touches about one group per report and gains little, one as large
 * as a tenth of it gains most (CrawlDatabaseBench).
 *
 * <p>Groups split at record boundaries and every record has its own infohash, so no choice of
 * infohashes makes a group that cannot split. A group that cannot be read is logged and
 * replaced at its next write: its records are lost, and the count may then run high.
 *
 * <p>{@link #apply} reads and rewrites several entries, and a read beside it may find a group
 * half split: use the table from one thread at a time (the crawler's writer thread does its
 * reads too).
 *
 * <p>Layout of a group: version byte 1, a record count (int), then per record the 20-byte
 * infohash, a length (unsigned short) and the record ({@link CrawlRecordCodec}).
 */
final class InfohashGroups implements InfohashTable {
  private static final Logger LOG = LoggerFactory.getLogger(InfohashGroups.class);
  static final int MAX_GROUP = 128;
  private static final byte[] FIRST_KEY = new byte[NodeId.LENGTH];
  private static final byte VERSION = 1;

  private final NavigableMap<byte[], byte[]> groups;
  private final Atomic.Long count;
  private final String name;
  private final BDecoder decoder = new BDecoder();

  /**
   * @param count the number of distinct infohashes, kept by this table
   * @param name the database, for log lines
   */
  InfohashGroups(NavigableMap<byte[], byte[]> groups, Atomic.Long count, String name) {
    this.groups = groups;
    this.count = count;
    this.name = name;
  }

  @Override
  public CrawlInfohash get(NodeId hash) {
    Map.Entry<byte[], byte[]> e = groups.floorEntry(hash.bytes());
    if (e == null) {
      return null;
    }
    Group g = Group.decode(e.getValue());
    int at = Arrays.binarySearch(g.hashes, hash);
    return at < 0 ? null : CrawlRecordCodec.decodeInfohash(g.record(at), decoder);
  }

  @Override
  public int apply(List<? extends InfohashUpdate> updates) {
    if (updates.isEmpty()) {
      return 0;
    }
    InfohashUpdate[] sorted = updates.toArray(new InfohashUpdate[0]);
    // Stable: updates of one infohash keep their order.
    Arrays.sort(sorted, (a, b) -> a.hash().compareTo(b.hash()));
    int added = 0;
    for (int from = 0; from < sorted.length; ) {
      byte[] key = groups.floorKey(sorted[from].hash().bytes());
      key = key == null ? FIRST_KEY : key;
      byte[] end = groups.higherKey(key);
      NodeId endId = end == null ? null : NodeId.of(end);
      int to = from + 1;
      while (to < sorted.length && (endId == null || sorted[to].hash().compareTo(endId) < 0)) {
        to++;
      }
      added += rewrite(key, sorted, from, to);
      from = to;
    }
    count.addAndGet(added);
    return added;
  }

  /** Merges {@code sorted[from, to)} into the group at {@code key}; returns how many are new. */
  private int rewrite(byte[] key, InfohashUpdate[] sorted, int from, int to) {
    Group g = read(key);
    List<NodeId> hashes = new ArrayList<>(g.size() + to - from);
    List<byte[]> records = new ArrayList<>(g.size() + to - from);
    int added = 0;
    int a = 0;
    int b = from;
    while (a < g.size() || b < to) {
      int cmp = a == g.size() ? 1 : b == to ? -1 : g.hashes[a].compareTo(sorted[b].hash());
      if (cmp < 0) {
        hashes.add(g.hashes[a]);
        records.add(g.record(a++));
        continue;
      }
      NodeId hash = sorted[b].hash();
      CrawlInfohash record = null;
      if (cmp == 0) {
        record = readRecord(g, a++);
      } else {
        added++;
      }
      for (; b < to && sorted[b].hash().equals(hash); b++) {
        record = sorted[b].apply(record);
      }
      hashes.add(hash);
      records.add(CrawlRecordCodec.encode(record));
    }
    write(key, hashes, records);
    return added;
  }

  /** Writes the merged records back, cut into half-full groups if there are too many. */
  private void write(byte[] key, List<NodeId> hashes, List<byte[]> records) {
    int n = hashes.size();
    int pieces = n <= MAX_GROUP ? 1 : (2 * n + MAX_GROUP - 1) / MAX_GROUP;
    for (int p = 0; p < pieces; p++) {
      int lo = (int) ((long) n * p / pieces);
      int hi = (int) ((long) n * (p + 1) / pieces);
      groups.put(p == 0 ? key : hashes.get(lo).bytes(),
          Group.encode(hashes.subList(lo, hi), records.subList(lo, hi)));
    }
  }

  private Group read(byte[] key) {
    byte[] bytes = groups.get(key);
    if (bytes == null) {
      return Group.EMPTY;
    }
    try {
      return Group.decode(bytes);
    } catch (IllegalStateException e) {
      LOG.warn("replacing an unreadable group of infohash records in {}: {}", name,
          e.getMessage());
      return Group.EMPTY;
    }
  }

  /** A stored record, or null (as if new, but not counted again) if it cannot be read. */
  private CrawlInfohash readRecord(Group g, int at) {
    try {
      return CrawlRecordCodec.decodeInfohash(g.record(at), decoder);
    } catch (IllegalStateException | IllegalArgumentException e) {
      LOG.warn("replacing an incomplete entry in {}: {}", name, e.getMessage());
      return null;
    }
  }

  @Override
  public long size() {
    return count.get();
  }

  @Override
  public void forEach(BiConsumer<NodeId, CrawlInfohash> action,
      Consumer<RuntimeException> corrupt) {
    for (byte[] bytes : groups.values()) {
      Group g;
      try {
        g = Group.decode(bytes);
      } catch (IllegalStateException e) {
        corrupt.accept(e);
        continue;
      }
      for (int i = 0; i < g.size(); i++) {
        CrawlInfohash record;
        try {
          record = CrawlRecordCodec.decodeInfohash(g.record(i), decoder);
        } catch (IllegalStateException | IllegalArgumentException e) {
          corrupt.accept(e);
          continue;
        }
        action.accept(g.hashes[i], record);
      }
    }
  }

  /** One group, decoded: its infohashes, and where each record lies in the stored bytes. */
  private record Group(NodeId[] hashes, byte[] bytes, int[] offsets, int[] lengths) {
    static final Group EMPTY = new Group(new NodeId[0], new byte[0], new int[0], new int[0]);

    int size() {
      return hashes.length;
    }

    byte[] record(int i) {
      return Arrays.copyOfRange(bytes, offsets[i], offsets[i] + lengths[i]);
    }

    static Group decode(byte[] bytes) {
      try {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.get() != VERSION) {
          throw new IllegalStateException("unknown infohash group format " + bytes[0]);
        }
        int n = b.getInt();
        if (n < 0 || n > bytes.length / (NodeId.LENGTH + 2)) {
          throw new IllegalStateException("infohash group of " + n + " records");
        }
        NodeId[] hashes = new NodeId[n];
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
          hashes[i] = NodeId.of(bytes, b.position());
          b.position(b.position() + NodeId.LENGTH);
          lengths[i] = Short.toUnsignedInt(b.getShort());
          offsets[i] = b.position();
          b.position(offsets[i] + lengths[i]);
        }
        return new Group(hashes, bytes, offsets, lengths);
      } catch (BufferUnderflowException | IllegalArgumentException
          | IndexOutOfBoundsException e) {
        throw new IllegalStateException("truncated infohash group");
      }
    }

    static byte[] encode(List<NodeId> hashes, List<byte[]> records) {
      int size = 1 + Integer.BYTES;
      for (byte[] r : records) {
        size += NodeId.LENGTH + 2 + r.length;
      }
      ByteBuffer b = ByteBuffer.allocate(size).put(VERSION).putInt(hashes.size());
      for (int i = 0; i < hashes.size(); i++) {
        byte[] r = records.get(i);
        b.put(hashes.get(i).bytes()).putShort((short) r.length).put(r);
      }
      return b.array();
    }
  }
}
