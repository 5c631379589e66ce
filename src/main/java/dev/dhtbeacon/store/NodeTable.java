package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.Hex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Where a crawl database keeps its node records, ordered by id so that a sweep can reload the
 * part of the keyspace ahead of its cursor. A sweep reads and rewrites a node's record about
 * three times (heard of, claimed, answered).
 */
interface NodeTable {
  /**
   * The record of the node {@code idHex}, or null.
   *
   * @throws IllegalStateException or IllegalArgumentException if the stored record is corrupt
   */
  CrawlNode get(String idHex);

  void put(CrawlNode node);

  /** Stores {@code node} unless a record for its id exists; true if it was stored. */
  boolean putIfAbsent(CrawlNode node);

  /**
   * Up to {@code max} readable records with ids at or above {@code fromHex}, in id order;
   * {@code corrupt} hears of each unreadable one.
   */
  List<CrawlNode> from(String fromHex, int max, Consumer<RuntimeException> corrupt);

  /** Calls {@code action} with every readable record, in id order. */
  void forEach(Consumer<CrawlNode> action, Consumer<RuntimeException> corrupt);

  long size();

  /**
   * Records encoded ({@link CrawlRecordCodec}) in a MapDB tree map under the 20 id bytes, with
   * the values outside the tree's nodes: a record rewritten (claimed, then answered) leaves
   * its node alone, and a node of byte keys reads far faster than one of hex strings.
   */
  final class Encoded implements NodeTable {
    private final NavigableMap<byte[], byte[]> map;
    private final BDecoder decoder = new BDecoder();

    /** @param map ordered as unsigned bytes, as MapDB orders byte-array keys */
    Encoded(NavigableMap<byte[], byte[]> map) {
      this.map = map;
    }

    @Override
    public CrawlNode get(String idHex) {
      byte[] bytes = map.get(Hex.decode(idHex));
      return bytes == null ? null : CrawlRecordCodec.decodeNode(idHex, bytes, decoder);
    }

    @Override
    public void put(CrawlNode node) {
      map.put(Hex.decode(node.idHex()), CrawlRecordCodec.encode(node));
    }

    @Override
    public boolean putIfAbsent(CrawlNode node) {
      return map.putIfAbsent(Hex.decode(node.idHex()), CrawlRecordCodec.encode(node)) == null;
    }

    @Override
    public List<CrawlNode> from(String fromHex, int max, Consumer<RuntimeException> corrupt) {
      List<CrawlNode> out = new ArrayList<>();
      for (Map.Entry<byte[], byte[]> e : map.tailMap(Hex.decode(fromHex), true).entrySet()) {
        if (out.size() >= max) {
          break;
        }
        decode(e, out::add, corrupt);
      }
      return out;
    }

    @Override
    public void forEach(Consumer<CrawlNode> action, Consumer<RuntimeException> corrupt) {
      for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
        decode(e, action, corrupt);
      }
    }

    private void decode(Map.Entry<byte[], byte[]> e, Consumer<CrawlNode> action,
        Consumer<RuntimeException> corrupt) {
      CrawlNode n;
      try {
        n = CrawlRecordCodec.decodeNode(Hex.encode(e.getKey()), e.getValue(), decoder);
      } catch (IllegalStateException | IllegalArgumentException ex) {
        corrupt.accept(ex);
        return;
      }
      action.accept(n);
    }

    @Override
    public long size() {
      return map.size();
    }
  }

  /**
   * Records as objects in a tree map, for crawls without a file: decoding and encoding them
   * for each of a sweep's reads and writes was the largest single cost left on the crawler's
   * event loop (about 8% of its CPU in an uncapped sweep).
   */
  final class InMemory implements NodeTable {
    private final TreeMap<String, CrawlNode> records = new TreeMap<>();

    @Override
    public CrawlNode get(String idHex) {
      return records.get(idHex);
    }

    @Override
    public void put(CrawlNode node) {
      records.put(node.idHex(), node);
    }

    @Override
    public boolean putIfAbsent(CrawlNode node) {
      return records.putIfAbsent(node.idHex(), node) == null;
    }

    @Override
    public List<CrawlNode> from(String fromHex, int max, Consumer<RuntimeException> corrupt) {
      List<CrawlNode> out = new ArrayList<>();
      for (CrawlNode n : records.tailMap(fromHex, true).values()) {
        if (out.size() >= max) {
          break;
        }
        out.add(n);
      }
      return out;
    }

    @Override
    public void forEach(Consumer<CrawlNode> action, Consumer<RuntimeException> corrupt) {
      records.values().forEach(action);
    }

    @Override
    public long size() {
      return records.size();
    }
  }
}
