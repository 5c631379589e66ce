package dev.dhtbeacon.registry;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BencodeException;
import dev.dhtbeacon.lookup.LookupMethod;
import dev.dhtbeacon.lookup.LookupResult;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.storage.Bep44;
import dev.dhtbeacon.store.BeaconStore;
import dev.dhtbeacon.store.CachedItem;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a public key to its published addresses: a BEP 44 {@code get} lookup toward
 * SHA-1(k [‖ salt]), every item's signature verified, invalid ones ignored and counted, the
 * highest seq winning (ties: the larger value). Results are cached for the TTL: verified, in
 * memory ({@link VerifiedCache}), and in the store, whose copy is verified again when read.
 */
public final class Resolver {
  private static final Logger LOG = LoggerFactory.getLogger(Resolver.class);
  /** Verified items kept in memory in front of the MapDB cache. */
  static final int MEMORY_ENTRIES = 10_000;

  private final DhtNode node;
  private final BeaconStore store;
  private final Clock clock;
  private final long cacheTtlMillis;
  private final Executor blocking;
  private final VerifiedCache memory = new VerifiedCache(MEMORY_ENTRIES);

  /**
   * @param store the cache, or null for none
   * @param blocking where cache reads and writes run (never an event loop)
   */
  public Resolver(DhtNode node, BeaconStore store, Clock clock, long cacheTtlMillis,
      Executor blocking) {
    this.node = node;
    this.store = store;
    this.clock = clock;
    this.cacheTtlMillis = cacheTtlMillis;
    this.blocking = blocking;
  }

  /** Resolves {@code key} (no salt). */
  public CompletableFuture<ResolveResult> resolve(PublicKey key) {
    return resolve(key, null);
  }

  /** Resolves {@code key} published with {@code salt} (null or empty for none). */
  public CompletableFuture<ResolveResult> resolve(PublicKey key, byte[] salt) {
    long started = System.nanoTime();
    NodeId target = Bep44.mutableTarget(key.bytes(), salt);
    ResolveResult warm = fromMemory(key, target, started);
    if (warm != null) {
      return CompletableFuture.completedFuture(warm);
    }
    return CompletableFuture.supplyAsync(() -> fromCache(key, salt, target, started), blocking)
        .thenCompose(cached -> cached.isPresent()
            ? CompletableFuture.completedFuture(cached.get())
            : node.lookup(target, new LookupMethod.Get(null))
                .thenApplyAsync(r -> fromLookup(key, salt, target, r, started), blocking));
  }

  private ResolveResult fromMemory(PublicKey key, NodeId target, long started) {
    if (store == null || cacheTtlMillis <= 0) {
      return null;
    }
    VerifiedCache.Entry e = memory.fresh(target, clock.millis(), cacheTtlMillis);
    return e == null ? null : new ResolveResult(key, true, e.item().seq(), e.record(), 0, 0,
        millisSince(started), true, e.item());
  }

  private Optional<ResolveResult> fromCache(PublicKey key, byte[] salt, NodeId target,
      long started) {
    if (store == null || cacheTtlMillis <= 0) {
      return Optional.empty();
    }
    return store.cached(target.hex(), clock.millis(), cacheTtlMillis).flatMap(c -> {
      try {
        MutableItem item = MutableItem.of(key, salt, c.seq(),
            new BDecoder().decode(c.encodedV()), c.sig());
        // The cache is ours, but a file can be tampered with: verify as if it came from a peer.
        if (!item.verify()) {
          return Optional.empty();
        }
        AddressRecord record = AddressRecord.decode(item.v());
        memory.put(target, new VerifiedCache.Entry(item, record, c.fetchedMillis()));
        return Optional.of(new ResolveResult(key, true, c.seq(), record, 0, 0,
            millisSince(started), true, item));
      } catch (BencodeException | IllegalArgumentException e) {
        return Optional.empty();
      }
    });
  }

  private ResolveResult fromLookup(PublicKey key, byte[] salt, NodeId target, LookupResult r,
      long started) {
    MutableItem best = null;
    int invalid = 0;
    for (LookupResult.Responder responder : r.withValues()) {
      MutableItem item = MutableItem.fromResponse(responder.response(), key, salt);
      if (item == null || !item.verify()) {
        invalid++;
        continue;
      }
      if (best == null || item.compareTo(best) > 0) {
        best = item;
      }
    }
    if (best == null) {
      return new ResolveResult(key, false, 0, null, r.queried(), invalid, millisSince(started),
          false);
    }
    AddressRecord record;
    try {
      record = AddressRecord.decode(best.v());
    } catch (IllegalArgumentException e) {
      LOG.debug("{}: newest item is not an address record: {}", key, e.getMessage());
      return new ResolveResult(key, false, best.seq(), null, r.queried(), invalid + 1,
          millisSince(started), false, best);
    }
    if (store != null) {
      long now = clock.millis();
      store.cache(target.hex(), new CachedItem(best.seq(), best.encodedV(), best.sig(), now,
          r.queried()));
      memory.put(target, new VerifiedCache.Entry(best, record, now));
    }
    return new ResolveResult(key, true, best.seq(), record, r.queried(), invalid,
        millisSince(started), false, best);
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
