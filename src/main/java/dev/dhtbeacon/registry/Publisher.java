package dev.dhtbeacon.registry;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BencodeException;
import dev.dhtbeacon.lookup.LookupMethod;
import dev.dhtbeacon.lookup.LookupResult;
import dev.dhtbeacon.lookup.LookupSettings;
import dev.dhtbeacon.lookup.PutFanout;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.storage.Bep44;
import dev.dhtbeacon.storage.TokenIssuer;
import dev.dhtbeacon.store.BeaconStore;
import dev.dhtbeacon.store.PublishedItem;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one key's address record. Each {@link #publish} call:
 * <ol>
 *   <li>keeps the current item (same seq, same signature) while the addresses are unchanged,
 *       else signs a new one with seq = max(now in µs, last seq + 1, highest seq seen + 1);
 *   <li>reuses the write tokens of the last lookup while they are younger than
 *       {@link #TOKEN_REUSE_MILLIS} and every put with them was answered, else runs a
 *       {@code get} lookup for the
 *       {@link #REPLICAS} closest nodes (learning the highest seq on the network on the way);
 *   <li>puts to every one of them and persists what it published before reporting.
 * </ol>
 * Calls must not overlap (the caller serialises them); blocking: run off event loops.
 */
public final class Publisher {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  /** Nodes each publish targets. */
  public static final int REPLICAS = 16;
  /** Below this many copies a publish logs a warning. */
  public static final int MIN_COPIES = 8;
  /** Tokens live 5–10 minutes at the storing node; reuse them for the safe half. */
  static final long TOKEN_REUSE_MILLIS = TokenIssuer.ROTATE_MILLIS;

  private final DhtNode node;
  private final KeyPair keys;
  private final byte[] salt;
  private final BeaconStore store;
  private final Clock clock;
  private final NodeId target;
  private MutableItem current;
  private AddressRecord currentRecord;
  private List<PutFanout.Target> tokens = List.of();
  private long tokensAt;

  /**
   * @param salt null or empty for none
   * @param store where the last published item persists, or null (then a restart relies on the
   *     clock and the network for its seq)
   */
  public Publisher(DhtNode node, KeyPair keys, byte[] salt, BeaconStore store, Clock clock) {
    this.node = node;
    this.keys = keys;
    this.salt = salt == null || salt.length == 0 ? null : salt.clone();
    this.store = store;
    this.clock = clock;
    this.target = Bep44.mutableTarget(keys.publicKey().bytes(), this.salt);
    loadPersisted();
  }

  /** Publishes {@code addresses} once; blocks until the puts are answered or timed out. */
  public PublishResult publish(List<InetSocketAddress> addresses) {
    long started = System.nanoTime();
    boolean changed = currentRecord == null || !currentRecord.addresses().equals(addresses);
    int queries = 0;
    boolean lookup = changed || tokens.size() < MIN_COPIES
        || clock.millis() - tokensAt >= TOKEN_REUSE_MILLIS;
    long highestSeen = current == null ? 0 : current.seq();
    if (lookup) {
      LookupResult r = node.lookup(target, new LookupMethod.Get(null),
          node.lookupSettings().withK(REPLICAS)).join();
      queries += r.queried();
      tokens = withTokens(r);
      tokensAt = clock.millis();
      highestSeen = Math.max(highestSeen, highestValidSeq(r));
    }
    if (changed || highestSeen > current.seq()) {
      long seq = Math.max(clock.millis() * 1000, highestSeen + 1);
      long t = changed ? clock.millis() / 1000 : currentRecord.publishedSeconds();
      currentRecord = new AddressRecord(addresses, t);
      current = MutableItem.sign(keys, salt, seq, currentRecord.encode());
      changed = true;
    }
    MutableItem item = current;
    PutFanout.Result put = node.put(tokens, token -> item.toPut(token, null), !changed).join();
    queries += put.attempted();
    persist(item);
    if (put.timeouts() > 0 || put.copies() < MIN_COPIES) {
      // A node that did not answer may be gone for good: reusing its token would keep putting
      // to it while a live node takes its place among the closest. Look up afresh next time.
      tokens = List.of();
    }
    if (put.copies() < MIN_COPIES) {
      LOG.warn("published {} seq {} to only {} of {} nodes", keys.publicKey(), item.seq(),
          put.copies(), put.attempted());
    }
    return new PublishResult(keys.publicKey(), item.seq(), changed, put.copies(),
        put.attempted(), put.errors(), put.timeouts(), lookup, queries,
        (System.nanoTime() - started) / 1_000_000, put.storedAt());
  }

  /** The item last published, or null. */
  public MutableItem current() {
    return current;
  }

  private List<PutFanout.Target> withTokens(LookupResult r) {
    List<PutFanout.Target> out = new ArrayList<>();
    for (LookupResult.Responder responder : r.closest()) {
      if (responder.response().token() != null) {
        out.add(new PutFanout.Target(responder.contact(), responder.response().token()));
      }
    }
    return out;
  }

  /** The highest seq among validly signed items for our key seen during the lookup. */
  private long highestValidSeq(LookupResult r) {
    long highest = 0;
    for (LookupResult.Responder responder : r.withValues()) {
      MutableItem item = MutableItem.fromResponse(responder.response(), keys.publicKey(), salt);
      if (item != null && item.verify()) {
        highest = Math.max(highest, item.seq());
      }
    }
    return highest;
  }

  private void loadPersisted() {
    if (store == null) {
      return;
    }
    Optional<PublishedItem> last = store.published(persistKey());
    if (last.isEmpty()) {
      return;
    }
    PublishedItem p = last.get();
    try {
      MutableItem item = MutableItem.of(keys.publicKey(), salt, p.seq(),
          new BDecoder().decode(p.encodedV()), p.sig());
      if (item.verify()) {
        current = item;
        currentRecord = AddressRecord.decode(item.v());
      }
    } catch (BencodeException | IllegalArgumentException e) {
      LOG.warn("ignoring the stored record of {}: {}", keys.publicKey(), e.getMessage());
    }
  }

  private void persist(MutableItem item) {
    if (store != null) {
      store.recordPublished(persistKey(), new PublishedItem(salt == null ? new byte[0] : salt,
          item.seq(), item.encodedV(), item.sig(), clock.millis()));
    }
  }

  private String persistKey() {
    return target.hex();
  }
}
