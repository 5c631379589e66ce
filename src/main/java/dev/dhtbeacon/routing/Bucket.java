package dev.dhtbeacon.routing;

import java.util.ArrayList;
import java.util.Iterator;

/**
 * One k-bucket: live entries plus a replacement cache ordered oldest-seen first. A bucket does not
 * know its range; {@link RoutingTable} derives it from the bucket's position.
 */
final class Bucket {
  /** Refresh clock not started yet (the table has no notion of time until a caller passes one). */
  static final long UNSET = Long.MIN_VALUE;

  final ArrayList<TableEntry> live;
  /** Allocated on first use: most buckets of most tables never need one. */
  private ArrayList<TableEntry> replacements;
  long lastChanged;

  Bucket(int k, long lastChanged) {
    this.live = new ArrayList<>(k);
    this.lastChanged = lastChanged;
  }

  TableEntry findLive(NodeId id) {
    for (TableEntry e : live) {
      if (e.id().equals(id)) {
        return e;
      }
    }
    return null;
  }

  TableEntry findReplacement(NodeId id) {
    if (replacements != null) {
      for (TableEntry e : replacements) {
        if (e.id().equals(id)) {
          return e;
        }
      }
    }
    return null;
  }

  TableEntry firstBad(RoutingTable.Settings settings) {
    for (TableEntry e : live) {
      if (e.isBad(settings)) {
        return e;
      }
    }
    return null;
  }

  boolean hasReplacements() {
    return replacements != null && !replacements.isEmpty();
  }

  int replacementCount() {
    return replacements == null ? 0 : replacements.size();
  }

  /**
   * Appends {@code e} as the most recently seen replacement.
   *
   * @return the oldest replacement pushed out to make room, or null
   */
  TableEntry addReplacement(TableEntry e, int capacity) {
    if (replacements == null) {
      replacements = new ArrayList<>(Math.min(capacity, 8));
    }
    TableEntry evicted = replacements.size() >= capacity ? replacements.remove(0) : null;
    e.replacement = true;
    replacements.add(e);
    return evicted;
  }

  void removeReplacement(TableEntry e) {
    replacements.remove(e);
  }

  /**
   * Removes and returns the replacement to promote: the most recently seen one that has answered
   * us, else the most recently seen one. Null when the cache is empty.
   */
  TableEntry takeBestReplacement() {
    if (!hasReplacements()) {
      return null;
    }
    int pick = replacements.size() - 1;
    for (int i = pick; i >= 0; i--) {
      if (replacements.get(i).verified) {
        pick = i;
        break;
      }
    }
    TableEntry e = replacements.remove(pick);
    e.replacement = false;
    return e;
  }

  /** Moves every entry sharing more than {@code depth} leading bits with {@code self} to {@code deeper}. */
  void moveDeeper(Bucket deeper, NodeId self, int depth) {
    for (Iterator<TableEntry> it = live.iterator(); it.hasNext(); ) {
      TableEntry e = it.next();
      if (self.commonPrefixLength(e.id()) > depth) {
        it.remove();
        deeper.live.add(e);
      }
    }
    if (replacements != null) {
      for (Iterator<TableEntry> it = replacements.iterator(); it.hasNext(); ) {
        TableEntry e = it.next();
        if (self.commonPrefixLength(e.id()) > depth) {
          it.remove();
          // Keeps the oldest-first order, as both lists are walked in order.
          deeper.addReplacement(e, Integer.MAX_VALUE);
        }
      }
    }
  }

  /** Promotes replacements into free live slots; returns how many moved. */
  int fillFromReplacements(int k) {
    int moved = 0;
    while (live.size() < k && hasReplacements()) {
      live.add(takeBestReplacement());
      moved++;
    }
    return moved;
  }
}
