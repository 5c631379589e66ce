package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BencodeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MapDB database in a data directory: what the publisher last published per key
 * (so a restart never goes backwards in seq) and the resolver's cache.
 *
 * <p>Transactions are on and every write commits, so a process killed with SIGKILL reopens
 * with everything it had acknowledged. Values are stored as bencoded dictionaries. Blocking:
 * call it off event loops. Thread-safe (MapDB's own locking).
 */
public final class BeaconStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BeaconStore.class);
  /** The database file inside the data directory. */
  public static final String FILE = "dhtbeacon.db";

  private final DB db;
  private final HTreeMap<String, byte[]> published;
  private final HTreeMap<String, byte[]> resolved;
  private final BDecoder decoder = new BDecoder();

  private BeaconStore(DB db) {
    this.db = db;
    this.published = db.hashMap("published", Serializer.STRING, Serializer.BYTE_ARRAY)
        .createOrOpen();
    this.resolved = db.hashMap("resolved", Serializer.STRING, Serializer.BYTE_ARRAY)
        .createOrOpen();
  }

  /**
   * Opens (creating if needed) the database in {@code dir}.
   *
   * @throws IOException if the directory cannot be created or the file is locked or corrupt
   */
  public static BeaconStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      DB db = DBMaker.fileDB(dir.resolve(FILE).toFile())
          .transactionEnable()
          .closeOnJvmShutdown()
          .make();
      return new BeaconStore(db);
    } catch (RuntimeException e) {
      throw new IOException("cannot open " + dir.resolve(FILE) + ": " + reason(e), e);
    }
  }

  /**
   * MapDB's message; some of its errors have none (a truncated file is a message-less
   * VolumeIOError caused by an EOFException), which would print as "null".
   */
  private static String reason(RuntimeException e) {
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        return t.getMessage();
      }
      chain.append(chain.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName());
    }
    return "truncated or corrupt file (" + chain + ")";
  }

  /** What was last published under a key (hex), if anything. */
  public Optional<PublishedItem> published(String keyHex) {
    return read(published.get(keyHex)).flatMap(d -> parse(() -> PublishedItem.fromBencode(d)));
  }

  /** Records a publish; durable once this returns. */
  public void recordPublished(String keyHex, PublishedItem item) {
    published.put(keyHex, BEncoder.encode(item.toBencode()));
    db.commit();
  }

  /** A cached resolution younger than {@code ttlMillis} at {@code nowMillis}, if any. */
  public Optional<CachedItem> cached(String targetHex, long nowMillis, long ttlMillis) {
    return read(resolved.get(targetHex)).flatMap(d -> parse(() -> CachedItem.fromBencode(d)))
        .filter(c -> nowMillis - c.fetchedMillis() < ttlMillis);
  }

  /** Caches a resolution. */
  public void cache(String targetHex, CachedItem item) {
    resolved.put(targetHex, BEncoder.encode(item.toBencode()));
    db.commit();
  }

  private Optional<BDictionary> read(byte[] bytes) {
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(decoder.decodeDictionary(bytes));
    } catch (BencodeException e) {
      LOG.warn("ignoring a corrupt entry in {}: {}", FILE, e.getMessage());
      return Optional.empty();
    }
  }

  private static <T> Optional<T> parse(java.util.function.Supplier<T> parser) {
    try {
      return Optional.of(parser.get());
    } catch (IllegalStateException e) {
      LOG.warn("ignoring an incomplete entry in {}: {}", FILE, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    if (!db.isClosed()) {
      db.close();
    }
  }
}
