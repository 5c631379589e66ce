package dev.dhtbeacon.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A BEP 5 Kademlia routing table for one address family (a dual-stack node keeps one per family,
 * BEP 32).
 *
 * <p>Bucket {@code i} holds ids sharing exactly {@code i} leading bits with our own id; the last
 * bucket holds everything closer. Only that last bucket (the one covering our id) ever splits, so
 * a table with n reachable peers has about log2(n) buckets and memory stays proportional to the
 * entries held. Each bucket keeps up to k live entries and a replacement cache of nodes seen
 * while it was full.
 *
 * <p>At most one entry per IP address across the table (live or cached), which bounds what one
 * host can occupy. Nodes whose id equals ours are ignored.
 *
 * <p>Not thread-safe: a table belongs to one event-loop thread. Time is always passed in.
 */
public final class RoutingTable {
  /**
   * Tunables.
   *
   * @param k live entries per bucket
   * @param replacementCapacity replacement cache size per bucket
   * @param badAfterFailures consecutive timeouts after which an entry is bad
   * @param goodForMillis how long a response (or a query after one) keeps an entry good
   * @param pingIntervalMillis minimum gap between pings offered for one questionable entry
   * @param refreshIntervalMillis a bucket untouched this long is offered for refresh
   */
  public record Settings(int k, int replacementCapacity, int badAfterFailures, long goodForMillis,
      long pingIntervalMillis, long refreshIntervalMillis) {
    public Settings {
      if (k < 1 || replacementCapacity < 0 || badAfterFailures < 1 || goodForMillis < 0
          || pingIntervalMillis < 0 || refreshIntervalMillis < 0) {
        throw new IllegalArgumentException("bad routing table settings");
      }
    }

    /** BEP 5 values: a replacement cache of k, bad after 2 failures, 15 minute windows. */
    public static Settings defaults(int k) {
      return new Settings(k, k, 2, 15 * 60_000L, 60_000L, 15 * 60_000L);
    }
  }

  private final NodeId self;
  private final Settings settings;
  private final Random random;
  private final Buckets buckets;

  /** A table with {@link Settings#defaults(int)}. */
  public RoutingTable(NodeId self, int k, Random random) {
    this(self, Settings.defaults(k), random);
  }

  public RoutingTable(NodeId self, Settings settings, Random random) {
    this.self = Objects.requireNonNull(self, "self");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.random = Objects.requireNonNull(random, "random");
    this.buckets = new Buckets(self, settings);
  }

  public NodeId self() {
    return self;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * The node answered one of our queries: insert it or refresh it as good, clearing its failures
   * and recording the round trip. If we already hold its id at another address, the old entry is
   * kept unless bad, so a forged id cannot displace a working node.
   *
   * @param rttMillis round-trip time of this answer; negative if unknown
   */
  public void onResponse(Contact c, long nowMillis, long rttMillis) {
    if (c.id().equals(self)) {
      return;
    }
    Bucket b = buckets.bucketFor(c.id());
    TableEntry known = b.findLive(c.id());
    if (known != null) {
      if (known.contact.address().equals(c.address())) {
        known.responded(nowMillis, rttMillis);
        b.lastChanged = nowMillis;
        return;
      }
      if (!known.isBad(settings)) {
        return;
      }
      buckets.removeLive(b, known);
    }
    TableEntry e = b.findReplacement(c.id());
    if (e != null && !e.contact.address().equals(c.address())) {
      if (e.verified) {
        return;
      }
      // An unverified claim to this id loses to a node that actually answered.
      buckets.removeReplacement(b, e);
      e = null;
    }
    if (e != null) {
      buckets.removeReplacement(b, e);
    } else {
      e = new TableEntry(c, nowMillis);
    }
    e.responded(nowMillis, rttMillis);
    buckets.admit(e, nowMillis);
    if (known != null) {
      // The newcomer may have been rejected by the IP rule; do not leave the slot empty.
      buckets.refill(b);
    }
  }

  /**
   * The node sent us a query (the caller has already dropped read-only BEP 43 nodes). A known
   * entry at the same address is marked seen; an unknown node is added unverified (questionable)
   * if its bucket has room, else cached as a replacement. A query never displaces an entry that
   * holds the same id at another address.
   */
  public void onQueryFrom(Contact c, long nowMillis) {
    if (c.id().equals(self)) {
      return;
    }
    Bucket b = buckets.bucketFor(c.id());
    TableEntry known = b.findLive(c.id());
    if (known == null) {
      known = b.findReplacement(c.id());
      if (known != null && known.contact.address().equals(c.address())) {
        // Re-append so the cache keeps the most recently seen.
        b.removeReplacement(known);
        b.addReplacement(known, Integer.MAX_VALUE);
      }
    }
    if (known != null) {
      if (known.contact.address().equals(c.address())) {
        known.queried(nowMillis);
      }
      return;
    }
    buckets.admit(new TableEntry(c, nowMillis), nowMillis);
  }

  /**
   * Our query to the node timed out (or it answered with another id). Counts a failure; once
   * the entry is bad it is replaced by the best cached replacement, or kept marked bad if the
   * cache is empty. A cached replacement that times out is dropped.
   */
  public void onTimeout(Contact c, long nowMillis) {
    Bucket b = buckets.bucketFor(c.id());
    TableEntry e = b.findLive(c.id());
    if (e != null && e.contact.address().equals(c.address())) {
      e.failures++;
      if (e.isBad(settings) && b.hasReplacements()) {
        buckets.removeLive(b, e);
        buckets.refill(b);
      }
      return;
    }
    e = b.findReplacement(c.id());
    if (e != null && e.contact.address().equals(c.address())) {
      buckets.removeReplacement(b, e);
    }
  }

  /**
   * Up to {@code n} non-bad entries closest to {@code target} by XOR distance, closest first.
   * Walks buckets in distance order, so only the few buckets that can hold answers are read.
   */
  public List<Contact> closest(NodeId target, int n) {
    if (n <= 0) {
      return List.of();
    }
    int last = buckets.count() - 1;
    int start = buckets.indexFor(target);
    ArrayList<TableEntry> found = new ArrayList<>(2 * n);
    // Every entry of a later group is farther from target than any entry of an earlier one:
    // first the target's bucket, then all deeper buckets together, then shallower ones in turn.
    collect(buckets.get(start), found);
    if (found.size() < n) {
      for (int i = start + 1; i <= last; i++) {
        collect(buckets.get(i), found);
      }
      for (int i = start - 1; i >= 0 && found.size() < n; i--) {
        collect(buckets.get(i), found);
      }
    }
    found.sort((x, y) -> target.compareDistance(x.id(), y.id()));
    int count = Math.min(n, found.size());
    List<Contact> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(found.get(i).contact);
    }
    return out;
  }

  /**
   * Questionable entries to ping now, at most {@code max}, each offered at most once per ping
   * interval (they are marked pinged). Entries in buckets with nodes waiting in the replacement
   * cache come first, then the longest unseen.
   */
  public List<Contact> questionableToPing(long nowMillis, int max) {
    List<TableEntry> urgent = new ArrayList<>();
    List<TableEntry> other = new ArrayList<>();
    for (Bucket b : buckets) {
      boolean contested = b.hasReplacements();
      for (TableEntry e : b.live) {
        if (e.state(settings, nowMillis) == NodeState.QUESTIONABLE
            && !TableEntry.within(e.lastPing, nowMillis, settings.pingIntervalMillis())) {
          (contested ? urgent : other).add(e);
        }
      }
    }
    Comparator<TableEntry> stalest = Comparator.comparingLong(e -> e.lastSeen);
    urgent.sort(stalest);
    other.sort(stalest);
    urgent.addAll(other);
    List<Contact> out = new ArrayList<>(Math.min(max, urgent.size()));
    for (int i = 0; i < urgent.size() && out.size() < max; i++) {
      urgent.get(i).lastPing = nowMillis;
      out.add(urgent.get(i).contact);
    }
    return out;
  }

  /**
   * For each bucket with no entry added or answering for the refresh interval, a random id in
   * its range to look up; such buckets count as refreshed from now. A bucket's clock starts at
   * the first call that sees it untouched, so a new empty table does not ask for refreshes at
   * once.
   */
  public List<NodeId> refreshTargets(long nowMillis) {
    List<NodeId> out = new ArrayList<>();
    int last = buckets.count() - 1;
    for (int i = 0; i <= last; i++) {
      Bucket b = buckets.get(i);
      if (b.lastChanged == Bucket.UNSET) {
        b.lastChanged = nowMillis;
      } else if (nowMillis - b.lastChanged >= settings.refreshIntervalMillis()) {
        out.add(NodeId.randomSharingPrefix(self, i, i == last, random));
        b.lastChanged = nowMillis;
      }
    }
    return out;
  }

  /** Live entries (including bad ones awaiting replacement); excludes replacement caches. */
  public int size() {
    return buckets.size();
  }

  /** Nodes waiting in replacement caches. */
  public int replacementCount() {
    int n = 0;
    for (Bucket b : buckets) {
      n += b.replacementCount();
    }
    return n;
  }

  /** Every live entry's contact, shallowest bucket first. */
  public List<Contact> contacts() {
    List<Contact> out = new ArrayList<>(buckets.size());
    for (Bucket b : buckets) {
      for (TableEntry e : b.live) {
        out.add(e.contact);
      }
    }
    return out;
  }

  /** A snapshot of every live entry with its state at {@code nowMillis}. */
  public List<RoutingEntryView> entries(long nowMillis) {
    List<RoutingEntryView> out = new ArrayList<>(buckets.size());
    for (Bucket b : buckets) {
      for (TableEntry e : b.live) {
        out.add(e.view(settings, nowMillis));
      }
    }
    return out;
  }

  /** Whether a live entry has this id. */
  public boolean contains(NodeId id) {
    return buckets.bucketFor(id).findLive(id) != null;
  }

  /** The state of the live entry with this id at {@code nowMillis}, or null if none. */
  public NodeState stateOf(NodeId id, long nowMillis) {
    TableEntry e = buckets.bucketFor(id).findLive(id);
    return e == null ? null : e.state(settings, nowMillis);
  }

  public int bucketCount() {
    return buckets.count();
  }

  /** Live entries per bucket, shallowest (farthest from us) first. */
  public List<Integer> bucketFill() {
    List<Integer> out = new ArrayList<>(buckets.count());
    for (Bucket b : buckets) {
      out.add(b.live.size());
    }
    return out;
  }

  /**
   * Index of the bucket whose range holds {@code id}: its common prefix length with our id,
   * capped at the deepest bucket.
   */
  public int bucketIndex(NodeId id) {
    return buckets.indexFor(id);
  }

  private void collect(Bucket b, List<TableEntry> into) {
    for (TableEntry e : b.live) {
      if (!e.isBad(settings)) {
        into.add(e);
      }
    }
  }
}
