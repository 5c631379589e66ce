package dev.dhtbeacon.registry;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.DhtNodeBuilder;
import dev.dhtbeacon.store.BeaconStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's entry point: a DHT node that publishes addresses under Ed25519 keys and
 * resolves them.
 *
 * <pre>{@code
 * try (DhtBeacon beacon = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
 *     .bind(Endpoints.parse("127.0.0.2:6881")).bootstrap(List.of(seed)).build().start().join()) {
 *   ResolveResult r = beacon.resolve(PublicKey.parse(key)).join();
 * }
 * }</pre>
 *
 * <p>Futures complete on the beacon's own worker thread, never on the node's event loop.
 */
public final class DhtBeacon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DhtBeacon.class);
  /** How long {@link #close()} waits for a publish in progress, twice at most. */
  static final long PUBLISH_GRACE_MILLIS = 1_500;

  private final DhtNode node;
  private final BeaconStore store;
  private final Clock clock;
  /** Runs publishes, which block on lookups and puts; one at a time. */
  private final ScheduledExecutorService worker;
  /** Completes public futures and does MapDB I/O; never blocks on the DHT. */
  private final ExecutorService io;
  private final Resolver resolver;
  private final List<PublishHandle> handles = new ArrayList<>();
  /** One publisher per key, so its tokens and current item carry over between publishes. */
  private final Map<PublicKey, Publisher> publishers = new ConcurrentHashMap<>();
  private final List<BeaconListener> listeners;
  private volatile boolean closing;

  private DhtBeacon(DhtNode node, BeaconStore store, Clock clock, Duration cacheTtl,
      ScheduledExecutorService worker, ExecutorService io, List<BeaconListener> listeners) {
    this.listeners = List.copyOf(listeners);
    this.node = node;
    this.store = store;
    this.clock = clock;
    this.worker = worker;
    this.io = io;
    this.resolver = new Resolver(node, store, clock, cacheTtl.toMillis(), io);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the node: binds, bootstraps. */
  public CompletableFuture<DhtBeacon> start() {
    return node.start().thenApplyAsync(n -> this, io);
  }

  /** Resolves {@code key} to its published addresses. */
  public CompletableFuture<ResolveResult> resolve(PublicKey key) {
    return resolve(key, null);
  }

  /** Resolves {@code key} published with {@code salt}. */
  public CompletableFuture<ResolveResult> resolve(PublicKey key, byte[] salt) {
    CompletableFuture<ResolveResult> f = resolver.resolve(key, salt);
    if (!listeners.isEmpty()) {
      f.whenComplete((r, e) -> listeners.forEach(l -> {
        if (r != null) {
          l.onResolved(r);
        } else {
          l.onResolveFailed(key, e);
        }
      }));
    }
    return f;
  }

  /** Publishes {@code addresses} under {@code keys} once. */
  public CompletableFuture<PublishResult> publish(KeyPair keys,
      List<InetSocketAddress> addresses) {
    Publisher publisher = publisherFor(keys);
    return CompletableFuture.supplyAsync(() -> publisher.publish(addresses), worker)
        .whenComplete((r, e) -> listeners.forEach(l -> {
          if (r != null) {
            l.onPublished(r);
          } else {
            l.onPublishFailed(keys.publicKey(), e);
          }
        }))
        .thenApplyAsync(r -> r, io);
  }

  /**
   * Publishes now and then every {@code interval}, asking {@code addresses} each time (so an
   * address change reaches the DHT within one interval).
   */
  public PublishHandle startPublishing(KeyPair keys, Supplier<List<InetSocketAddress>> addresses,
      Duration interval) {
    Publisher publisher = publisherFor(keys);
    PublishHandle handle = new PublishHandle(keys.publicKey());
    handle.schedule(worker.scheduleWithFixedDelay(() -> {
      try {
        PublishResult r = publisher.publish(addresses.get());
        handle.completed(r);
        listeners.forEach(l -> l.onPublished(r));
        LOG.info("published {} seq {}: {} copies ({} puts, {} lookup)", keys.publicKey(),
            r.seq(), r.copies(), r.attempted(), r.lookup() ? "fresh" : "no");
      } catch (RuntimeException e) {
        if (closing) {
          // Expected: close() failed the publish's outstanding queries.
          LOG.info("publish of {} cut short by shutdown", keys.publicKey());
          return;
        }
        listeners.forEach(l -> l.onPublishFailed(keys.publicKey(), e));
        LOG.warn("publish of {} failed: {}", keys.publicKey(), e.toString());
      } catch (Error e) {
        // The executor would swallow it and never run the task again: say so once.
        LOG.error("publishing under {} stopped: {}", keys.publicKey(), e.toString());
        throw e;
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS));
    synchronized (handles) {
      handles.add(handle);
    }
    return handle;
  }

  private Publisher publisherFor(KeyPair keys) {
    return publishers.computeIfAbsent(keys.publicKey(),
        k -> new Publisher(node, keys, null, store, clock));
  }

  /** The underlying DHT node. */
  public DhtNode node() {
    return node;
  }

  /**
   * Stops publishing, closes the node (saving {@code .boot}) and the store. A publish in
   * progress gets {@link #PUBLISH_GRACE_MILLIS} to finish; after that the node's close fails
   * its outstanding queries, and it gets as long again to notice before the store closes.
   * Returns within about three seconds.
   */
  @Override
  public void close() {
    closing = true;
    synchronized (handles) {
      handles.forEach(PublishHandle::close);
    }
    worker.shutdown();
    awaitWorker();
    node.close();
    awaitWorker();
    io.shutdown();
    if (store != null) {
      store.close();
    }
  }

  private void awaitWorker() {
    try {
      worker.awaitTermination(PUBLISH_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Configures a {@link DhtBeacon}; the network mode is required. */
  public static final class Builder {
    private final DhtNodeBuilder node = DhtNode.builder();
    private Path dataDir;
    private Clock clock = Clock.systemUTC();
    private Duration cacheTtl = Duration.ofSeconds(60);
    private final List<BeaconListener> listeners = new ArrayList<>();

    private Builder() {
    }

    /** Adds a listener told of every publish and resolve (metrics, status). */
    public Builder listener(BeaconListener listener) {
      listeners.add(listener);
      return this;
    }

    public Builder network(NetworkMode mode) {
      node.network(mode);
      return this;
    }

    /** The DHT's UDP endpoint (default 127.0.0.1:6881 in loopback, 0.0.0.0:6881 otherwise). */
    public Builder bind(InetSocketAddress address) {
      node.bind(address);
      return this;
    }

    public Builder bootFile(Path path) {
      node.bootFile(path);
      return this;
    }

    public Builder bootstrap(List<InetSocketAddress> addresses) {
      node.bootstrap(addresses);
      return this;
    }

    /** Router names, resolved only in mainline mode. */
    public Builder routers(List<String> names) {
      node.routers(names);
      return this;
    }

    /** Where the MapDB database lives (last published seq, resolve cache); none if unset. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** How long a resolved record is served from cache; zero disables the cache. */
    public Builder cacheTtl(Duration ttl) {
      this.cacheTtl = ttl;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      node.clock(clock);
      return this;
    }

    /** Direct access to node settings not covered here. */
    public DhtNodeBuilder node() {
      return node;
    }

    /**
     * @throws UncheckedIOException if the data directory's database cannot be opened
     */
    public DhtBeacon build() {
      BeaconStore store = null;
      if (dataDir != null) {
        try {
          store = BeaconStore.open(dataDir);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
          daemon("dhtbeacon-publisher"));
      ExecutorService io = Executors.newFixedThreadPool(2, daemon("dhtbeacon-io"));
      node.callbackExecutor(io);
      return new DhtBeacon(node.build(), store, clock, cacheTtl, worker, io, listeners);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
      return r -> {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
      };
    }
  }
}
