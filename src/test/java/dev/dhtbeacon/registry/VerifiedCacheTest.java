package dev.dhtbeacon.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dhtbeacon.routing.NodeId;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VerifiedCacheTest {
  private final Random random = new Random(5);

  @Test
  void anEntryIsServedUntilItsTtlHasPassedSinceItWasFetched() {
    VerifiedCache cache = new VerifiedCache(4);
    NodeId target = NodeId.random(random);
    VerifiedCache.Entry e = new VerifiedCache.Entry(null, null, 1_000);
    cache.put(target, e);
    assertSame(e, cache.fresh(target, 1_000, 60_000));
    assertSame(e, cache.fresh(target, 60_999, 60_000));
    assertNull(cache.fresh(target, 61_000, 60_000));
    assertEquals(0, cache.size(), "an expired entry is dropped when seen");
  }

  @Test
  void theLeastRecentlyUsedEntryGoesFirstAndTheSizeStaysBounded() {
    VerifiedCache cache = new VerifiedCache(3);
    NodeId[] targets = new NodeId[5];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = NodeId.random(random);
    }
    for (int i = 0; i < 3; i++) {
      cache.put(targets[i], new VerifiedCache.Entry(null, null, i));
    }
    cache.fresh(targets[0], 10, 1_000);  // 0 used: 1 is now the eldest
    cache.put(targets[3], new VerifiedCache.Entry(null, null, 3));
    assertNull(cache.fresh(targets[1], 10, 1_000));
    cache.put(targets[4], new VerifiedCache.Entry(null, null, 4));
    assertEquals(3, cache.size());
    assertNull(cache.fresh(targets[2], 10, 1_000));
    assertEquals(0, cache.fresh(targets[0], 10, 1_000).fetchedMillis());
  }

  @Test
  void anOlderFetchNeverReplacesANewerOne() {
    VerifiedCache cache = new VerifiedCache(2);
    NodeId target = NodeId.random(random);
    VerifiedCache.Entry newer = new VerifiedCache.Entry(null, null, 2_000);
    cache.put(target, newer);
    cache.put(target, new VerifiedCache.Entry(null, null, 1_000));
    assertSame(newer, cache.fresh(target, 2_000, 60_000));
  }

  @Test
  void aCacheHoldsAtLeastOneEntry() {
    assertThrows(IllegalArgumentException.class, () -> new VerifiedCache(0));
  }
}
