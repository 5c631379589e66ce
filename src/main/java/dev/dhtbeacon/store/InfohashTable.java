package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.routing.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where a crawl database keeps its infohash records. A sweep reads and rewrites one for every
 * infohash a node samples, twenty per answering node: this is the database's busiest table.
 */
interface InfohashTable {
  /**
   * The record of {@code hash}, or null.
   *
   * @throws IllegalStateException or IllegalArgumentException if the stored record is corrupt
   */
  CrawlInfohash get(NodeId hash);

  void put(NodeId hash, CrawlInfohash record);

  /**
   * Records that the node whose id starts with {@code reporter} sampled {@code hash}.
   *
   * @return true if the infohash was new to the table
   * @throws IllegalStateException or IllegalArgumentException if the stored record is corrupt
   */
  default boolean report(NodeId hash, byte[] reporter, long nowMillis) {
    CrawlInfohash old = get(hash);
    put(hash, old == null ? CrawlInfohash.first(reporter, nowMillis)
        : old.reportedBy(reporter, nowMillis));
    return old == null;
  }

  long size();

  /** Calls {@code action} with every readable record and {@code corrupt} with each error. */
  void forEach(BiConsumer<NodeId, CrawlInfohash> action, Consumer<RuntimeException> corrupt);

  /**
   * Records encoded ({@link CrawlRecordCodec}) under hex keys in a MapDB map, as every file
   * version has stored them.
   */
  final class Encoded implements InfohashTable {
    private final Map<String, byte[]> map;
    private final BDecoder decoder = new BDecoder();

    Encoded(Map<String, byte[]> map) {
      this.map = map;
    }

    @Override
    public CrawlInfohash get(NodeId hash) {
      byte[] bytes = map.get(hash.hex());
      return bytes == null ? null : CrawlRecordCodec.decodeInfohash(bytes, decoder);
    }

    @Override
    public void put(NodeId hash, CrawlInfohash record) {
      map.put(hash.hex(), CrawlRecordCodec.encode(record));
    }

    @Override
    public long size() {
      return map.size();
    }

    @Override
    public void forEach(BiConsumer<NodeId, CrawlInfohash> action,
        Consumer<RuntimeException> corrupt) {
      for (Map.Entry<String, byte[]> e : map.entrySet()) {
        try {
          action.accept(NodeId.ofHex(e.getKey()),
              CrawlRecordCodec.decodeInfohash(e.getValue(), decoder));
        } catch (IllegalStateException | IllegalArgumentException ex) {
          corrupt.accept(ex);
        }
      }
    }
  }

  /**
   * Records as objects in a hash map, for crawls without a file: no hex keys, no encoding. The
   * in-memory writer spent most of its time on those (hex, string hashes, records encoded and
   * decoded for each of the 270 000 reports of a 15 000-node sweep).
   */
  final class InMemory implements InfohashTable {
    private final Map<NodeId, CrawlInfohash> records = new HashMap<>();

    @Override
    public CrawlInfohash get(NodeId hash) {
      return records.get(hash);
    }

    @Override
    public void put(NodeId hash, CrawlInfohash record) {
      records.put(hash, record);
    }

    /** One hash lookup for a new infohash, which nearly every report is, not two. */
    @Override
    public boolean report(NodeId hash, byte[] reporter, long nowMillis) {
      CrawlInfohash old = records.putIfAbsent(hash, CrawlInfohash.first(reporter, nowMillis));
      if (old != null) {
        records.put(hash, old.reportedBy(reporter, nowMillis));
      }
      return old == null;
    }

    @Override
    public long size() {
      return records.size();
    }

    @Override
    public void forEach(BiConsumer<NodeId, CrawlInfohash> action,
        Consumer<RuntimeException> corrupt) {
      records.forEach(action);
    }
  }
}
