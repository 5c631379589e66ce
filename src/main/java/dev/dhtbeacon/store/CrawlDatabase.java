package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BencodeException;
import dev.dhtbeacon.bencode.Hex;
import dev.dhtbeacon.routing.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crawl database: one MapDB file holding node records (ordered by id, so a sweep can
 * reload the part of the keyspace ahead of its cursor), infohash records, the sweep state and
 * the size-estimate history (the last {@value #HISTORY_LIMIT} samples, in time order, across
 * every crawl that used the file). Node and infohash records are binary
 * ({@link CrawlRecordCodec}; the bencoded ones of older files are still read), infohash
 * records in groups of adjacent ones ({@link InfohashGroups}), the state and history bencoded
 * dictionaries. Crawls without a file keep the same records as objects in plain maps
 * ({@link #inMemory}).
 *
 * <p>Transactions are on, and nothing is durable before {@link #commit()}: the crawler commits
 * every second or every thousand writes, and before it sends a query it commits the claim that
 * it is about to ask that node, so a crawl killed at any moment never asks an answered node
 * twice in one sweep. A killed process loses at most what was written since the last commit
 * (the crawler holds infohash reports back for up to a second, to write them together).
 *
 * <p>A file database blocks: use it off event loops (the crawler has one writer thread); it is
 * thread-safe through MapDB's own locking. An {@link #inMemory} one never blocks and is not
 * thread-safe: the crawler writes it on its node's event loop.
 */
public final class CrawlDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CrawlDatabase.class);
  private static final String STATE_KEY = "state";
  /** Estimate samples kept; adding one more drops the oldest. */
  public static final int HISTORY_LIMIT = 10_000;
  /** Samples one millisecond can hold before more are dropped (keys are times). */
  private static final int SAME_MILLI_LIMIT = 1_000;
  private static final String NODE_RECORDS = "crawl-node-records";
  /** Where older files hold node records: under hex keys, in the tree's nodes. */
  private static final String OLD_NODES = "crawl-nodes";
  /** Where files written before infohash records were grouped hold them, one entry each. */
  private static final String UNGROUPED_INFOHASHES = "crawl-infohashes";
  /** Records moved from an older layout between commits. */
  private static final int MOVE_BATCH = 50_000;

  /** The MapDB file, or null for a database in memory. */
  private final DB db;
  private final String name;
  private final NodeTable nodes;
  private final InfohashTable infohashes;
  private final Map<String, byte[]> meta;
  private final NavigableMap<Long, byte[]> history;
  private final BDecoder decoder = new BDecoder();

  private CrawlDatabase(DB db, String name) {
    this.db = db;
    this.name = name;
    this.nodes = new NodeTable.Encoded(nodeRecords(db));
    this.infohashes = new InfohashGroups(db.treeMap("crawl-infohash-groups",
        Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable().createOrOpen(),
        db.atomicLong("crawl-infohash-count").createOrOpen(), name);
    this.meta = db.hashMap("crawl-meta", Serializer.STRING, Serializer.BYTE_ARRAY)
        .createOrOpen();
    this.history = db.treeMap("crawl-estimates", Serializer.LONG, Serializer.BYTE_ARRAY)
        .counterEnable().createOrOpen();
  }

  private static NavigableMap<byte[], byte[]> nodeRecords(DB db) {
    return db.treeMap(NODE_RECORDS, Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
        .valuesOutsideNodesEnable().counterEnable().createOrOpen();
  }

  /** In memory: the same records in plain collections. */
  private CrawlDatabase() {
    this.db = null;
    this.name = "memory";
    this.nodes = new NodeTable.InMemory();
    this.infohashes = new InfohashTable.InMemory();
    this.meta = new HashMap<>();
    this.history = new TreeMap<>();
  }

  /**
   * Opens (creating if needed) the database file, replaying its write-ahead log if the last
   * process died mid-transaction.
   *
   * @throws IOException if the file cannot be created, is locked or is corrupt
   */
  public static CrawlDatabase open(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    try {
      DB db = DBMaker.fileDB(file.toFile())
          .transactionEnable()
          .fileMmapEnableIfSupported()
          .make();
      CrawlDatabase database = new CrawlDatabase(db, file.toString());
      database.moveOldNodes();
      database.groupOldInfohashes();
      return database;
    } catch (RuntimeException e) {
      throw new IOException("cannot open crawl database " + file + ": " + reason(e), e);
    }
  }

  /**
   * A database in memory, for crawls without {@code --db}: plain Java maps of record objects
   * (0.1 µs per infohash report against 0.8 in MapDB's heap store and 4.4 in its serialised
   * in-memory store: CrawlDatabaseBench). Unlike a file database it is not thread-safe: use
   * it from one thread at a time (the crawler's event loop). Commits do nothing.
   */
  public static CrawlDatabase inMemory() {
    return new CrawlDatabase();
  }

  private static String reason(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return "truncated or corrupt file (" + e.getClass().getSimpleName() + ")";
  }

  public Optional<CrawlNode> node(String idHex) {
    return parse(() -> nodes.get(idHex));
  }

  public void putNode(CrawlNode node) {
    nodes.put(node);
  }

  /** Stores {@code node} unless a record for its id exists; true if it was stored. */
  public boolean putNodeIfAbsent(CrawlNode node) {
    return nodes.putIfAbsent(node);
  }

  /** Up to {@code max} node records with ids at or above {@code fromHex}, in id order. */
  public List<CrawlNode> nodesFrom(String fromHex, int max) {
    return nodes.from(fromHex, max, this::ignoreIncomplete);
  }

  /** Calls {@code action} for every node record, in id order. */
  public void forEachNode(Consumer<CrawlNode> action) {
    nodes.forEach(action, this::ignoreIncomplete);
  }

  public long nodeCount() {
    return nodes.size();
  }

  /**
   * Records that the node whose id is {@code reporterId} sampled {@code hash}. In a file, one
   * report costs as much as a batch of them that falls in the same group: use
   * {@link #reportInfohashes} for many.
   *
   * @return true if the infohash was new to the database
   */
  public boolean reportInfohash(NodeId hash, byte[] reporterId, long nowMillis) {
    return reportInfohashes(List.of(new InfohashReport(hash, reporterId, nowMillis))) == 1;
  }

  /**
   * Records a batch of BEP 51 reports, those of one infohash in the order given.
   *
   * @return how many infohashes were new to the database
   */
  public int reportInfohashes(List<InfohashReport> reports) {
    return infohashes.apply(reports);
  }

  /**
   * Moves the node records of an older file to where this version keeps them, committing every
   * {@value #MOVE_BATCH}; a crash in between repeats it at the next open, harmlessly.
   */
  private void moveOldNodes() {
    if (!db.exists(OLD_NODES)) {
      return;
    }
    Map<String, byte[]> old = db.treeMap(OLD_NODES, Serializer.STRING, Serializer.BYTE_ARRAY)
        .counterEnable().createOrOpen();
    if (old.isEmpty()) {
      return;
    }
    LOG.info("moving the {} node records of {}", old.size(), name);
    Map<byte[], byte[]> current = nodeRecords(db);
    int moved = 0;
    for (Map.Entry<String, byte[]> e : old.entrySet()) {
      try {
        current.put(Hex.decode(e.getKey()), e.getValue());
      } catch (IllegalArgumentException ex) {
        ignoreIncomplete(ex);
      }
      if (++moved % MOVE_BATCH == 0) {
        db.commit();
      }
    }
    old.clear();
    db.commit();
  }

  /**
   * Moves the infohash records of a file written before they were grouped (one entry each)
   * into groups, committing every {@value #MOVE_BATCH}; a crash in between repeats it at
   * the next open, harmlessly, since a record moved twice overwrites its copy.
   */
  private void groupOldInfohashes() {
    if (!db.exists(UNGROUPED_INFOHASHES)) {
      return;
    }
    Map<String, byte[]> old = db.hashMap(UNGROUPED_INFOHASHES, Serializer.STRING,
        Serializer.BYTE_ARRAY).counterEnable().createOrOpen();
    if (old.isEmpty()) {
      return;
    }
    LOG.info("grouping the {} infohash records of {}", old.size(), name);
    List<StoredInfohash> batch = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : old.entrySet()) {
      try {
        batch.add(new StoredInfohash(NodeId.ofHex(e.getKey()),
            CrawlRecordCodec.decodeInfohash(e.getValue(), decoder)));
      } catch (IllegalStateException | IllegalArgumentException ex) {
        ignoreIncomplete(ex);
      }
      if (batch.size() == MOVE_BATCH) {
        infohashes.apply(batch);
        batch.clear();
        db.commit();
      }
    }
    infohashes.apply(batch);
    old.clear();
    db.commit();
  }

  /** A record moved as it is. */
  private record StoredInfohash(NodeId hash, CrawlInfohash record) implements InfohashUpdate {
    @Override
    public CrawlInfohash apply(CrawlInfohash old) {
      return record;
    }
  }

  public Optional<CrawlInfohash> infohash(NodeId hash) {
    return parse(() -> infohashes.get(hash));
  }

  public long infohashCount() {
    return infohashes.size();
  }

  /** Calls {@code action} with every infohash and its record. */
  public void forEachInfohash(BiConsumer<NodeId, CrawlInfohash> action) {
    infohashes.forEach(action, this::ignoreIncomplete);
  }

  public CrawlState state() {
    BDictionary d = decode(meta.get(STATE_KEY));
    return d == null ? CrawlState.initial()
        : parse(() -> CrawlState.fromBencode(d)).orElse(CrawlState.initial());
  }

  public void saveState(CrawlState state) {
    meta.put(STATE_KEY, BEncoder.encode(state.toBencode()));
  }

  /**
   * Adds a sample to the estimate history, dropping the oldest beyond {@value #HISTORY_LIMIT}.
   * Part of the current transaction like every write: durable at the next {@link #commit()}.
   * Samples with equal times are all kept, in the order added.
   */
  public void addEstimate(EstimateSample sample) {
    byte[] bytes = BEncoder.encode(sample.toBencode());
    long key = sample.timeMillis();
    // The key is the time; a taken key moves the sample on by a millisecond, a bounded number
    // of times, so one burst cannot spin (nor reorder history by more than that).
    for (int i = 0; history.putIfAbsent(key, bytes) != null; i++, key++) {
      if (i == SAME_MILLI_LIMIT) {
        LOG.debug("dropping an estimate sample: {} samples around {}", i, sample.timeMillis());
        return;
      }
    }
    for (long excess = history.size() - HISTORY_LIMIT; excess > 0; excess--) {
      history.pollFirstEntry();
    }
  }

  /** The estimate history, oldest first: at most {@value #HISTORY_LIMIT} samples. */
  public List<EstimateSample> estimates() {
    List<EstimateSample> out = new ArrayList<>();
    for (byte[] bytes : history.values()) {
      BDictionary d = decode(bytes);
      if (d != null) {
        parse(() -> EstimateSample.fromBencode(d)).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * The healthiest nodes for a {@code .boot} file: answered within {@code freshMillis} of
   * {@code nowMillis}, one per IP (the lowest RTT), lowest RTT first, at most {@code max}.
   * Scans every record.
   */
  public List<CrawlNode> healthiest(int max, long nowMillis, long freshMillis) {
    Map<String, CrawlNode> bestPerIp = new HashMap<>();
    forEachNode(n -> {
      if (n.lastAnsweredMillis() >= nowMillis - freshMillis && n.rttMillis() >= 0
          && n.port() != 0) {
        bestPerIp.merge(Arrays.toString(n.ip()), n,
            (a, b) -> b.rttMillis() < a.rttMillis() ? b : a);
      }
    });
    return bestPerIp.values().stream()
        .sorted(Comparator.comparingLong(CrawlNode::rttMillis).thenComparing(CrawlNode::idHex))
        .limit(max).toList();
  }

  /** Whether this database lives in memory ({@link #inMemory}), not in a file. */
  public boolean isInMemory() {
    return db == null;
  }

  /** Makes everything written so far durable. */
  public void commit() {
    if (db != null) {
      db.commit();
    }
  }

  /** Commits and closes. */
  @Override
  public void close() {
    if (db != null && !db.isClosed()) {
      db.commit();
      db.close();
    }
  }

  /**
   * Closes without committing, dropping every write since the last {@link #commit()}: what a
   * process killed with SIGKILL leaves behind. For crash tests.
   */
  public void closeWithoutCommit() {
    if (db != null && !db.isClosed()) {
      db.close();
    }
  }

  private BDictionary decode(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return decoder.decodeDictionary(bytes);
    } catch (BencodeException e) {
      LOG.warn("ignoring a corrupt entry in {}: {}", name, e.getMessage());
      return null;
    }
  }

  private <T> Optional<T> parse(java.util.function.Supplier<T> parser) {
    try {
      return Optional.ofNullable(parser.get());
    } catch (IllegalStateException | IllegalArgumentException e) {
      ignoreIncomplete(e);
      return Optional.empty();
    }
  }

  private void ignoreIncomplete(RuntimeException e) {
    LOG.warn("ignoring an incomplete entry in {}: {}", name, e.getMessage());
  }
}
