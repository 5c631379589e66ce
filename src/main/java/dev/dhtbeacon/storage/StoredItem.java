package dev.dhtbeacon.storage;

import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.routing.NodeId;

/**
 * A BEP 44 item as stored: the decoded value and its exact encoding, and for mutable items the
 * key, signature, sequence number and salt. Immutable items have null {@code k}, {@code sig},
 * {@code seq} and {@code salt}.
 */
public record StoredItem(NodeId target, BValue v, byte[] encodedV, BString k, BString sig,
    Long seq, BString salt, long lastPutMillis) {

  public boolean mutable() {
    return k != null;
  }

  /** The same item put again at {@code millis}. */
  StoredItem refreshedAt(long millis) {
    return new StoredItem(target, v, encodedV, k, sig, seq, salt, millis);
  }
}
