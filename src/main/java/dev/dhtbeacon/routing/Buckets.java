package dev.dhtbeacon.routing;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;

/**
 * The structure behind a {@link RoutingTable}: the bucket list, the per-IP index and placement
 * of newcomers (free slot, bad slot, split, replacement cache). Policy about when to call these
 * lives in the table.
 *
 * <p>Bucket {@code i} holds ids sharing exactly {@code i} leading bits with our id; the last one
 * holds all ids sharing at least that many. Only the last bucket ever splits (BEP 5).
 */
final class Buckets implements Iterable<Bucket> {
  private final NodeId self;
  private final RoutingTable.Settings settings;
  private final ArrayList<Bucket> list = new ArrayList<>(4);
  /** One entry per IP across live entries and caches alike. */
  private final HashMap<InetAddress, TableEntry> byIp = new HashMap<>();
  private int size;

  Buckets(NodeId self, RoutingTable.Settings settings) {
    this.self = self;
    this.settings = settings;
    list.add(new Bucket(settings.k(), Bucket.UNSET));
  }

  int count() {
    return list.size();
  }

  Bucket get(int index) {
    return list.get(index);
  }

  /** Shallowest (farthest from us) first. */
  @Override
  public Iterator<Bucket> iterator() {
    return list.iterator();
  }

  /** Live entries, bad ones included. */
  int size() {
    return size;
  }

  int indexFor(NodeId id) {
    return Math.min(self.commonPrefixLength(id), list.size() - 1);
  }

  Bucket bucketFor(NodeId id) {
    return list.get(indexFor(id));
  }

  /**
   * Adds a node whose id is in neither live entries nor caches, applying the one-entry-per-IP
   * rule: a bad live holder of the IP is replaced, a cached holder yields unless it has answered
   * us and the newcomer has not, any other holder makes us reject the newcomer.
   */
  void admit(TableEntry e, long nowMillis) {
    TableEntry holder = byIp.get(ip(e));
    Bucket freed = null;
    if (holder != null) {
      Bucket hb = bucketFor(holder.id());
      if (holder.replacement) {
        if (holder.verified && !e.verified) {
          return;
        }
        removeReplacement(hb, holder);
      } else {
        if (!holder.isBad(settings)) {
          return;
        }
        removeLive(hb, holder);
        freed = hb;
      }
    }
    place(e, nowMillis);
    if (freed != null) {
      refill(freed);
    }
  }

  /** Places a newcomer: a free slot, else a bad entry's slot, else a split, else the cache. */
  private void place(TableEntry e, long nowMillis) {
    while (true) {
      int i = indexFor(e.id());
      Bucket b = list.get(i);
      if (b.live.size() < settings.k()) {
        addLive(b, e, nowMillis);
        return;
      }
      TableEntry bad = b.firstBad(settings);
      if (bad != null) {
        removeLive(b, bad);
        addLive(b, e, nowMillis);
        return;
      }
      if (i == list.size() - 1 && list.size() < NodeId.BITS) {
        split();
        continue;
      }
      if (settings.replacementCapacity() > 0) {
        byIp.put(ip(e), e);
        TableEntry pushedOut = b.addReplacement(e, settings.replacementCapacity());
        if (pushedOut != null) {
          byIp.remove(ip(pushedOut), pushedOut);
        }
      }
      return;
    }
  }

  /** Splits the deepest bucket (the one covering our id) in two. */
  private void split() {
    int depth = list.size() - 1;
    Bucket shallow = list.get(depth);
    Bucket deeper = new Bucket(settings.k(), shallow.lastChanged);
    list.add(deeper);
    shallow.moveDeeper(deeper, self, depth);
    refill(shallow);
    refill(deeper);
  }

  /** Promotes cached replacements into the bucket's free live slots. */
  void refill(Bucket b) {
    size += b.fillFromReplacements(settings.k());
  }

  private void addLive(Bucket b, TableEntry e, long nowMillis) {
    e.replacement = false;
    b.live.add(e);
    byIp.put(ip(e), e);
    b.lastChanged = nowMillis;
    size++;
  }

  void removeLive(Bucket b, TableEntry e) {
    b.live.remove(e);
    byIp.remove(ip(e), e);
    size--;
  }

  void removeReplacement(Bucket b, TableEntry e) {
    b.removeReplacement(e);
    byIp.remove(ip(e), e);
  }

  private static InetAddress ip(TableEntry e) {
    return e.contact.address().getAddress();
  }
}
