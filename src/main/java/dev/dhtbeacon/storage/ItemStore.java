package dev.dhtbeacon.storage;

import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.crypto.Ed25519;
import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The BEP 44 items this node stores for others (mutable and immutable).
 *
 * <p>Every mutable item is signature-checked before it is stored. Items expire
 * {@link #TTL_MILLIS} after their last put. Memory is bounded two ways:
 * <ul>
 *   <li>one source IP may hold at most {@code maxPerIp} items here; further new items from it
 *       are refused with error 202 (updates of items it already stored are still accepted);
 *   <li>at most {@code capacity} items in all; when full, the item whose last put is oldest is
 *       evicted to make room, so a live publisher refreshing every minute is the last to go.
 * </ul>
 * An item is at most about 1.2 KB, so the default 20 000 items cap the store near 25 MB.
 *
 * <p>Not thread-safe: the owning node's event loop uses it.
 */
public final class ItemStore {
  /** BEP 44: items live two hours after their last put. */
  public static final long TTL_MILLIS = 2 * 60 * 60_000;

  private final Clock clock;
  private final int capacity;
  private final int maxPerIp;
  /** In last-put order: the first entry is the eviction candidate. */
  private final LinkedHashMap<NodeId, StoredItem> items = new LinkedHashMap<>(64, 0.75f, false);
  private final Map<NodeId, InetAddress> owners = new HashMap<>();
  private final Map<InetAddress, Integer> perIp = new HashMap<>();

  public ItemStore(Clock clock, int capacity, int maxPerIp) {
    if (capacity < 1 || maxPerIp < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " and per-IP cap " + maxPerIp
          + " must be positive");
    }
    this.clock = clock;
    this.capacity = capacity;
    this.maxPerIp = maxPerIp;
  }

  /**
   * Stores a put whose token the caller has already checked.
   *
   * @return {@link PutOutcome#STORED}, or the BEP 44 error: 205 value too big, 207 salt too big,
   *     206 bad signature, 301 CAS mismatch, 302 sequence number not newer, 202 quota exceeded
   */
  public PutOutcome put(QueryArgs.Put put, InetAddress from) {
    byte[] encoded = BEncoder.encode(put.v());
    if (encoded.length > Bep44.MAX_VALUE_BYTES) {
      return error(ErrorReply.VALUE_TOO_BIG, "message (v field) too big");
    }
    if (put.salt() != null && put.salt().length() > Bep44.MAX_SALT_BYTES) {
      return error(ErrorReply.SALT_TOO_BIG, "salt (salt field) too big");
    }
    long now = clock.millis();
    if (!put.mutable()) {
      NodeId target = Bep44.immutableTarget(encoded);
      return store(new StoredItem(target, put.v(), encoded, null, null, null, null, now), from);
    }
    byte[] salt = put.salt() == null ? null : put.salt().bytes();
    byte[] k = put.k().bytes();
    if (!Ed25519.verify(k, Bep44.signedBuffer(salt, put.seq(), encoded), put.sig().bytes())) {
      return error(ErrorReply.INVALID_SIGNATURE, "invalid signature");
    }
    NodeId target = Bep44.mutableTarget(k, salt);
    StoredItem old = live(target, now);
    if (old != null) {
      if (put.cas() != null && !put.cas().equals(old.seq())) {
        return error(ErrorReply.CAS_MISMATCH, "the CAS hash mismatched, re-read value and try "
            + "again");
      }
      if (put.seq() < old.seq()
          || put.seq().equals(old.seq()) && !java.util.Arrays.equals(encoded, old.encodedV())) {
        return error(ErrorReply.SEQ_TOO_LOW, "sequence number less than current");
      }
    }
    return store(new StoredItem(target, put.v(), encoded, put.k(), put.sig(), put.seq(),
        put.salt(), now), from);
  }

  /** The live item stored under {@code target}, or null. */
  public StoredItem get(NodeId target) {
    return live(target, clock.millis());
  }

  public int size() {
    return items.size();
  }

  /** Drops expired items. */
  public void expire() {
    long now = clock.millis();
    Iterator<StoredItem> it = items.values().iterator();
    while (it.hasNext()) {
      StoredItem item = it.next();
      if (now - item.lastPutMillis() < TTL_MILLIS) {
        return;
      }
      it.remove();
      release(item.target());
    }
  }

  private PutOutcome store(StoredItem item, InetAddress from) {
    NodeId target = item.target();
    if (items.remove(target) != null) {
      items.put(target, item);
      return PutOutcome.STORED;
    }
    if (perIp.getOrDefault(from, 0) >= maxPerIp) {
      return error(ErrorReply.SERVER, "storage quota for this address exceeded");
    }
    if (items.size() >= capacity) {
      Iterator<StoredItem> oldest = items.values().iterator();
      NodeId evicted = oldest.next().target();
      oldest.remove();
      release(evicted);
    }
    items.put(target, item);
    owners.put(target, from);
    perIp.merge(from, 1, Integer::sum);
    return PutOutcome.STORED;
  }

  private StoredItem live(NodeId target, long now) {
    StoredItem item = items.get(target);
    if (item != null && now - item.lastPutMillis() >= TTL_MILLIS) {
      items.remove(target);
      release(target);
      return null;
    }
    return item;
  }

  private void release(NodeId target) {
    InetAddress owner = owners.remove(target);
    if (owner != null) {
      perIp.computeIfPresent(owner, (ip, n) -> n > 1 ? n - 1 : null);
    }
  }

  private static PutOutcome error(int code, String message) {
    return new PutOutcome(code, message);
  }
}
