package dev.dhtbeacon.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The {@code capacity} contacts closest to a target seen so far, ordered by XOR distance, one per
 * id: a lookup's candidate or result set. Not thread-safe.
 */
public final class ClosestNodes {
  private final NodeId target;
  private final int capacity;
  private final ArrayList<Contact> sorted;

  public ClosestNodes(NodeId target, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.target = Objects.requireNonNull(target, "target");
    this.capacity = capacity;
    this.sorted = new ArrayList<>(capacity + 1);
  }

  public NodeId target() {
    return target;
  }

  public int capacity() {
    return capacity;
  }

  /**
   * Adds {@code c} if its id is new and it is closer than the current farthest (or there is
   * room), dropping the farthest when over capacity. A second contact with an id already held
   * is ignored, whatever its address.
   *
   * @return whether {@code c} was added
   */
  public boolean offer(Contact c) {
    int at = search(c.id());
    if (at >= 0) {
      return false;
    }
    int insertion = -at - 1;
    if (insertion >= capacity) {
      return false;
    }
    sorted.add(insertion, c);
    if (sorted.size() > capacity) {
      sorted.remove(sorted.size() - 1);
    }
    return true;
  }

  /** Whether {@link #offer} would accept a contact with this id. */
  public boolean wouldAccept(NodeId id) {
    int at = search(id);
    return at < 0 && -at - 1 < capacity;
  }

  /** Whether a contact with this id is held. */
  public boolean contains(NodeId id) {
    return search(id) >= 0;
  }

  /** The held contacts, closest first (a copy). */
  public List<Contact> toList() {
    return List.copyOf(sorted);
  }

  /**
   * The held contact farthest from the target.
   *
   * @throws NoSuchElementException if empty
   */
  public Contact farthest() {
    if (sorted.isEmpty()) {
      throw new NoSuchElementException("no contacts");
    }
    return sorted.get(sorted.size() - 1);
  }

  public boolean isFull() {
    return sorted.size() >= capacity;
  }

  public boolean isEmpty() {
    return sorted.isEmpty();
  }

  public int size() {
    return sorted.size();
  }

  /** Binary search by distance; equal distance means equal id, so a hit is a duplicate. */
  private int search(NodeId id) {
    int lo = 0;
    int hi = sorted.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int cmp = target.compareDistance(sorted.get(mid).id(), id);
      if (cmp < 0) {
        lo = mid + 1;
      } else if (cmp > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }
}
