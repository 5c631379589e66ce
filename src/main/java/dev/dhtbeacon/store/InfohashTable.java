package dev.dhtbeacon.store;

import dev.dhtbeacon.routing.NodeId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where a crawl database keeps its infohash records: {@link InfohashGroups} in a file,
 * {@link InMemory} without one. A sweep reports twenty infohashes per answering node: this is
 * the database's busiest table.
 */
interface InfohashTable {
  /**
   * The record of {@code hash}, or null.
   *
   * @throws IllegalStateException or IllegalArgumentException if the stored record is corrupt
   */
  CrawlInfohash get(NodeId hash);

  /**
   * Applies the updates, those of one infohash in the order given (a stored record that cannot
   * be read is replaced).
   *
   * @return how many infohashes were new to the table
   */
  int apply(List<? extends InfohashUpdate> updates);

  long size();

  /** Calls {@code action} with every readable record and {@code corrupt} with each error. */
  void forEach(BiConsumer<NodeId, CrawlInfohash> action, Consumer<RuntimeException> corrupt);

  /**
   * Records as objects in a hash map, for crawls without a file: no keys to encode, no records
   * to decode, which were most of the in-memory writer's time.
   */
  final class InMemory implements InfohashTable {
    private final Map<NodeId, CrawlInfohash> records = new HashMap<>();

    @Override
    public CrawlInfohash get(NodeId hash) {
      return records.get(hash);
    }

    /** One hash lookup for a new infohash, which nearly every report is, not two. */
    @Override
    public int apply(List<? extends InfohashUpdate> updates) {
      int added = 0;
      for (InfohashUpdate u : updates) {
        CrawlInfohash old = records.putIfAbsent(u.hash(), u.apply(null));
        if (old == null) {
          added++;
        } else {
          records.put(u.hash(), u.apply(old));
        }
      }
      return added;
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
