package dev.dhtbeacon.registry;

import dev.dhtbeacon.routing.NodeId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest resolved items whose signatures were checked, in memory and bounded (least recently
 * used out first). A warm resolve is then a map read: the MapDB copy behind it is only read, and
 * its signature checked again, when this one has lost the entry (a restart, eviction). Memory
 * cannot be tampered with as a file can, so entries are not verified twice.
 *
 * <p>A synchronised access-ordered {@link LinkedHashMap}: at the request rates a service sees
 * (BENCHMARKS.md: ~8 000 /resolve per second) one lock is not the bottleneck, and it spares a
 * dependency. Thread-safe.
 */
final class VerifiedCache {
  /** A verified item, its decoded record, and when it was fetched from the DHT. */
  record Entry(MutableItem item, AddressRecord record, long fetchedMillis) {
  }

  private final Map<NodeId, Entry> entries;

  VerifiedCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<NodeId, Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The entry for {@code target} fetched less than {@code ttlMillis} ago; null otherwise. */
  synchronized Entry fresh(NodeId target, long nowMillis, long ttlMillis) {
    Entry e = entries.get(target);
    if (e == null) {
      return null;
    }
    if (nowMillis - e.fetchedMillis() >= ttlMillis) {
      entries.remove(target);
      return null;
    }
    return e;
  }

  /** Keeps {@code entry} unless one fetched later is held already. */
  synchronized void put(NodeId target, Entry entry) {
    entries.merge(target, entry,
        (old, now) -> now.fetchedMillis() >= old.fetchedMillis() ? now : old);
  }

  synchronized int size() {
    return entries.size();
  }
}
