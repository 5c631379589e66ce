package dev.dhtbeacon.registry;

import java.util.List;

/**
 * The outcome of resolving a key.
 *
 * @param found whether a valid record was found
 * @param seq the winning item's seq (0 when not found)
 * @param record the addresses, or null when not found
 * @param nodesQueried DHT queries sent (0 when served from cache)
 * @param invalidItems items that failed signature or format checks, ignored
 * @param millis time taken
 * @param fromCache whether the answer came from the local cache
 * @param item the winning verified item, or null when none verified; present (with
 *     {@code found} false) when the newest item is not an address record
 */
public record ResolveResult(PublicKey key, boolean found, long seq, AddressRecord record,
    int nodesQueried, int invalidItems, long millis, boolean fromCache, MutableItem item) {

  /** A result without the item itself. */
  public ResolveResult(PublicKey key, boolean found, long seq, AddressRecord record,
      int nodesQueried, int invalidItems, long millis, boolean fromCache) {
    this(key, found, seq, record, nodesQueried, invalidItems, millis, fromCache, null);
  }

  /** {@code ip:port} strings, empty when not found. */
  public List<String> addresses() {
    return record == null ? List.of() : record.formatted();
  }
}
