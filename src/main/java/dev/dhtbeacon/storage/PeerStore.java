package dev.dhtbeacon.storage;

import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Peers announced with {@code announce_peer}, per infohash, and the BEP 51 sample source.
 *
 * <p>Bounded: at most {@code maxInfohashes} infohashes (the one announced least recently is
 * evicted first) and {@code maxPeersPerInfohash} peers each (likewise). Entries expire
 * {@link #TTL_MILLIS} after their last announce. Not thread-safe: the owning node's event loop
 * uses it.
 */
public final class PeerStore {
  /** Peers re-announce every 30 minutes or so; keep them a little longer. */
  public static final long TTL_MILLIS = 45 * 60_000;

  private final Clock clock;
  private final int maxInfohashes;
  private final int maxPeersPerInfohash;
  private final LinkedHashMap<NodeId, LinkedHashMap<InetSocketAddress, Long>> peers =
      new LinkedHashMap<>(16, 0.75f, true);

  public PeerStore(Clock clock, int maxInfohashes, int maxPeersPerInfohash) {
    if (maxInfohashes < 1 || maxPeersPerInfohash < 1) {
      throw new IllegalArgumentException("caps must be positive: " + maxInfohashes + ", "
          + maxPeersPerInfohash);
    }
    this.clock = clock;
    this.maxInfohashes = maxInfohashes;
    this.maxPeersPerInfohash = maxPeersPerInfohash;
  }

  /** Records that {@code peer} has {@code infoHash}. */
  public void announce(NodeId infoHash, InetSocketAddress peer) {
    long expires = clock.millis() + TTL_MILLIS;
    LinkedHashMap<InetSocketAddress, Long> set =
        peers.computeIfAbsent(infoHash, k -> new LinkedHashMap<>(4, 0.75f, true));
    set.put(peer, expires);
    if (set.size() > maxPeersPerInfohash) {
      Iterator<InetSocketAddress> oldest = set.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    if (peers.size() > maxInfohashes) {
      Iterator<NodeId> oldest = peers.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /** Up to {@code max} live peers for {@code infoHash}, most recently announced first. */
  public List<InetSocketAddress> peers(NodeId infoHash, int max) {
    LinkedHashMap<InetSocketAddress, Long> set = peers.get(infoHash);
    if (set == null) {
      return List.of();
    }
    long now = clock.millis();
    set.values().removeIf(expiry -> expiry <= now);
    if (set.isEmpty()) {
      peers.remove(infoHash);
      return List.of();
    }
    List<InetSocketAddress> all = new ArrayList<>(set.keySet());
    List<InetSocketAddress> out = new ArrayList<>(Math.min(max, all.size()));
    for (int i = all.size() - 1; i >= 0 && out.size() < max; i--) {
      out.add(all.get(i));
    }
    return out;
  }

  /** Up to {@code max} distinct infohashes chosen at random (BEP 51 samples). */
  public List<NodeId> sample(int max, Random random) {
    List<NodeId> all = new ArrayList<>(peers.keySet());
    int n = Math.min(max, all.size());
    for (int i = 0; i < n; i++) {
      int j = i + random.nextInt(all.size() - i);
      NodeId tmp = all.get(i);
      all.set(i, all.get(j));
      all.set(j, tmp);
    }
    return new ArrayList<>(all.subList(0, n));
  }

  /** Number of infohashes held. */
  public int infohashCount() {
    return peers.size();
  }

  /** Drops expired peers and empty infohashes. */
  public void expire() {
    long now = clock.millis();
    Iterator<Map.Entry<NodeId, LinkedHashMap<InetSocketAddress, Long>>> it =
        peers.entrySet().iterator();
    while (it.hasNext()) {
      LinkedHashMap<InetSocketAddress, Long> set = it.next().getValue();
      set.values().removeIf(expiry -> expiry <= now);
      if (set.isEmpty()) {
        it.remove();
      }
    }
  }
}
