package dev.dhtbeacon.node;

import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.krpc.EgressGuard;
import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.EventLoops;
import dev.dhtbeacon.krpc.KrpcTransport;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.krpc.Query;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.QueryTimeoutException;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.lookup.IterativeLookup;
import dev.dhtbeacon.lookup.LookupHost;
import dev.dhtbeacon.lookup.LookupListener;
import dev.dhtbeacon.lookup.LookupMethod;
import dev.dhtbeacon.lookup.LookupResult;
import dev.dhtbeacon.lookup.LookupSettings;
import dev.dhtbeacon.lookup.PutFanout;
import dev.dhtbeacon.lookup.RttEstimator;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.routing.RoutingTable;
import dev.dhtbeacon.storage.ItemStore;
import dev.dhtbeacon.storage.PeerStore;
import dev.dhtbeacon.storage.TokenIssuer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mainline DHT node: a KRPC transport, routing tables for IPv4 and IPv6, the query responder,
 * lookups, bootstrap and maintenance.
 *
 * <p>All state is owned by the transport's event loop; public methods hop onto it and return
 * futures that complete on the node's callback executor, never on the loop, so a caller's
 * continuation cannot stall the node. Many nodes may share one {@link EventLoopGroup}.
 */
public final class DhtNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);

  private final NodeConfig config;
  private final NodeId id;
  private final Random random;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final Executor callbacks;
  private final RoutingTable tableV4;
  private final RoutingTable tableV6;
  private final RttEstimator rtt = new RttEstimator(250, 2_000);
  private final ExternalAddressVoter voter = new ExternalAddressVoter();
  private final Host host = new Host();
  private final NodeMaintenance maintenance;
  private final PeerStore peers;
  private final ItemStore items;
  private volatile KrpcTransport transport;
  private volatile QueryResponder responder;
  private volatile boolean silent;
  private final List<BiConsumer<Query, InetSocketAddress>> queryListeners =
      new CopyOnWriteArrayList<>();
  private final List<LookupListener> lookupListeners = new CopyOnWriteArrayList<>();

  DhtNode(NodeConfig config, EventLoopGroup group, Executor callbacks) {
    this.config = config;
    this.random = new SecureRandom();
    this.id = config.nodeId() != null ? config.nodeId() : NodeId.random(random);
    this.ownsGroup = group == null;
    this.group = group != null ? group : EventLoops.newGroup(1);
    this.callbacks = callbacks != null ? callbacks : ForkJoinPool.commonPool();
    this.tableV4 = new RoutingTable(id, config.lookup().k(), new Random(random.nextLong()));
    this.tableV6 = new RoutingTable(id, config.lookup().k(), new Random(random.nextLong()));
    this.peers = new PeerStore(config.clock(), 100_000, 200);
    this.items = new ItemStore(config.clock(), 20_000, 200);
    this.maintenance = new NodeMaintenance(this);
  }

  public static DhtNodeBuilder builder() {
    return new DhtNodeBuilder();
  }

  /**
   * Binds the socket, loads {@code .boot}, bootstraps and starts maintenance.
   *
   * @return completes once the first bootstrap round is over (whether or not it found anyone),
   *     or exceptionally if the socket could not be bound
   */
  public CompletableFuture<DhtNode> start() {
    List<Contact> fromBootFile = loadBootFile();
    return KrpcTransport.bind(group, config.bind(), config.transport(), id, this::onQuery)
        .thenCompose(t -> {
          this.transport = t;
          t.readOnly(config.readOnly());
          this.responder = new QueryResponder(this,
              new TokenIssuer(config.clock(), new SecureRandom()), peers, items, random);
          return onLoop(() -> maintenance.start(fromBootFile)).thenCompose(f -> f);
        })
        .thenApplyAsync(done -> this, callbacks);
  }

  private List<Contact> loadBootFile() {
    if (config.bootFile() == null) {
      return List.of();
    }
    BootFile.LoadResult loaded = BootFile.load(config.bootFile());
    LOG.info("{}: {} nodes from {}{}", id.hex().substring(0, 8), loaded.contacts().size(),
        config.bootFile(), loaded.problem() == null ? "" : " (" + loaded.problem() + ")");
    return loaded.contacts();
  }

  /** Runs an iterative lookup toward {@code target}, seeded from the routing table. */
  public CompletableFuture<LookupResult> lookup(NodeId target, LookupMethod method) {
    return lookup(target, method, config.lookup());
  }

  /** Runs a lookup with other settings than the node's (a wider k for publishing, say). */
  public CompletableFuture<LookupResult> lookup(NodeId target, LookupMethod method,
      LookupSettings settings) {
    return onLoop(() -> startLookup(target, method, settings, List.of())).thenCompose(f -> f)
        .thenApplyAsync(r -> r, callbacks);
  }

  /**
   * Sends a token-bearing store (BEP 44 put) to each target at once.
   *
   * @param refresh whether the put repeats our current seq (302 then means "already stored")
   */
  public CompletableFuture<PutFanout.Result> put(List<PutFanout.Target> targets,
      Function<BString, QueryArgs.Put> putFor, boolean refresh) {
    return PutFanout.put(host, targets, putFor, refresh, config.lookup().queryTimeoutMillis())
        .thenApplyAsync(r -> r, callbacks);
  }

  /**
   * Sends one query through the node (the routing table learns from the reply as usual). The
   * future completes on the node's event loop, for engines that run on the loop themselves,
   * such as the crawler: continuations must be short and must never block.
   */
  public CompletableFuture<Reply> queryOnLoop(Contact to, QueryArgs args, long timeoutMillis) {
    return host.query(to, args, timeoutMillis);
  }

  /** The event loop that owns this node, for engines that schedule work on it. */
  public ScheduledExecutorService eventLoop() {
    return transport.eventLoop();
  }

  /**
   * Registers a listener told of every query that reaches this node (on the event loop; must
   * not block). The crawler uses it to see BEP 43 read-only nodes, which no table lists.
   */
  public void addQueryListener(BiConsumer<Query, InetSocketAddress> listener) {
    queryListeners.add(listener);
  }

  /**
   * Unregisters a listener given to {@link #addQueryListener} (the same object; one
   * registration if it was added twice). Safe from any thread; a query being dispatched on the
   * event loop at that moment may still reach it once, since dispatch walks a snapshot.
   *
   * @return whether the listener was registered
   */
  public boolean removeQueryListener(BiConsumer<Query, InetSocketAddress> listener) {
    return queryListeners.remove(listener);
  }

  /**
   * Registers a listener told of every lookup this node runs, its own maintenance included (on
   * the event loop; must not block). Register before {@link #start()} to see bootstrap too.
   */
  public void addLookupListener(LookupListener listener) {
    lookupListeners.add(listener);
  }

  /** The lookup settings this node was built with. */
  public LookupSettings lookupSettings() {
    return config.lookup();
  }

  public CompletableFuture<LookupResult> findNode(NodeId target) {
    return lookup(target, new LookupMethod.FindNode());
  }

  /** Pings an endpoint; a reply (even an error) adds the node to the routing table. */
  public CompletableFuture<Reply> ping(InetSocketAddress to) {
    return onLoop(() -> sendRaw(to, new QueryArgs.Ping())).thenCompose(f -> f)
        .thenApplyAsync(r -> r, callbacks);
  }

  /** The closest contacts the routing tables hold for {@code target}. */
  public CompletableFuture<List<Contact>> closestKnown(NodeId target, int n) {
    return onLoop(() -> tableFor(familyOfSocket()).closest(target, n))
        .thenApplyAsync(r -> r, callbacks);
  }

  /** A snapshot of the node's state, for status lines and tests. */
  public CompletableFuture<NodeStatus> status() {
    return onLoop(this::statusNow).thenApplyAsync(s -> s, callbacks);
  }

  /** Saves {@code .boot} now (if configured); completes when the file is written. */
  public CompletableFuture<Void> saveBootFile() {
    return onLoop(maintenance::saveBootFile).thenCompose(f -> f);
  }

  /** Testnet: a silent node drops every datagram, as a node that died but is still listed. */
  public void silent(boolean silent) {
    this.silent = silent;
  }

  public NodeId id() {
    return id;
  }

  public NetworkMode mode() {
    return config.mode();
  }

  /** The bound UDP endpoint. */
  public InetSocketAddress address() {
    return transport.localAddress();
  }

  public KrpcTransport transport() {
    return transport;
  }

  /** Saves {@code .boot}, stops maintenance and closes the socket. */
  @Override
  public void close() {
    if (transport != null && transport.isOpen()) {
      try {
        saveBootFile().join();
      } catch (RuntimeException e) {
        LOG.warn("could not save {} at shutdown: {}", config.bootFile(), e.getMessage());
      }
      onLoop(() -> {
        maintenance.stop();
        return null;
      }).join();
      transport.close();
    }
    if (ownsGroup) {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  // ---- loop-confined internals, used by maintenance and the responder

  NodeConfig config() {
    return config;
  }

  RoutingTable tableV4() {
    return tableV4;
  }

  RoutingTable tableV6() {
    return tableV6;
  }

  RoutingTable tableFor(InetAddress ip) {
    return ip instanceof Inet6Address ? tableV6 : tableV4;
  }

  ExternalAddressVoter voter() {
    return voter;
  }

  PeerStore peers() {
    return peers;
  }

  ItemStore items() {
    return items;
  }

  Executor callbacks() {
    return callbacks;
  }

  boolean answersSampleInfohashes() {
    return config.answersSampleInfohashes();
  }

  boolean isSilent() {
    return silent;
  }

  LookupHost host() {
    return host;
  }

  CompletableFuture<LookupResult> startLookup(NodeId target, LookupMethod method,
      LookupSettings settings, Collection<Contact> extraSeeds) {
    List<Contact> seeds = new ArrayList<>(extraSeeds);
    seeds.addAll(tableFor(familyOfSocket()).closest(target, settings.k() * 2));
    CompletableFuture<LookupResult> result =
        new IterativeLookup(host, target, method, settings).start(seeds);
    if (!lookupListeners.isEmpty()) {
      String kind = LookupListener.kindOf(method);
      result.thenAccept(r -> lookupListeners.forEach(l -> l.onLookupFinished(kind, r)));
    }
    return result;
  }

  /** Queries an endpoint whose id we may not know (bootstrap addresses, ping). */
  CompletableFuture<Reply> sendRaw(InetSocketAddress to, QueryArgs args) {
    long sent = System.nanoTime();
    return transport.query(to, args, config.lookup().queryTimeoutMillis())
        .whenComplete((reply, error) -> {
          if (reply != null) {
            onReplyFrom(to, reply, sent, null);
          }
        });
  }

  InetAddress familyOfSocket() {
    return transport.localAddress().getAddress();
  }

  /** Whether a contact may enter our tables and be queried in this network mode. */
  boolean mayUse(Contact c) {
    InetSocketAddress a = c.address();
    if (c.id().equals(id) || !EgressGuard.permits(config.mode(), a)) {
      return false;
    }
    InetAddress ip = a.getAddress();
    if (config.mode() == NetworkMode.MAINLINE && ip.isLoopbackAddress()) {
      return false;
    }
    InetAddress local = familyOfSocket();
    return local.isAnyLocalAddress() && local instanceof Inet6Address
        || (ip instanceof Inet6Address) == (local instanceof Inet6Address);
  }

  private void onQuery(Query q, InetSocketAddress from) {
    if (silent || responder == null) {
      // Silent (testnet "dead" node), or a query that raced our own start-up: drop it.
      return;
    }
    for (BiConsumer<Query, InetSocketAddress> listener : queryListeners) {
      listener.accept(q, from);
    }
    Contact c = new Contact(q.sender(), from);
    if (!q.readOnly() && mayUse(c)) {
      tableFor(from.getAddress()).onQueryFrom(c, config.clock().millis());
    }
    responder.answer(q, from);
  }

  private void onReplyFrom(InetSocketAddress from, Reply reply, long sentNanos, Contact asked) {
    long now = config.clock().millis();
    if (reply instanceof Response r) {
      double millis = (System.nanoTime() - sentNanos) / 1e6;
      rtt.sample(millis);
      Contact c = new Contact(r.sender(), from);
      if (mayUse(c)) {
        tableFor(from.getAddress()).onResponse(c, now, Math.round(millis));
      }
      if (r.requesterIp() != null) {
        voter.vote(from.getAddress(), r.requesterIp());
      }
    } else if (reply instanceof ErrorReply && asked != null && mayUse(asked)) {
      // It answered, if only with an error: it is alive.
      tableFor(from.getAddress()).onResponse(asked, now, -1);
    }
  }

  private NodeStatus statusNow() {
    return new NodeStatus(id, transport.localAddress(), voter.winner(), tableV4.size(),
        tableV6.size(), tableV4.bucketCount(), peers.infohashCount(), transport.pendingCount(),
        rtt.smoothedMillis(), transport.counters().toString(), voter.winnerVotes(),
        voter.voters(), tableFor(familyOfSocket()).bucketFill(), items.size());
  }

  private <T> CompletableFuture<T> onLoop(Supplier<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    EventLoop loop = transport.eventLoop();
    Runnable run = () -> {
      try {
        f.complete(task.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    };
    if (loop.inEventLoop()) {
      run.run();
    } else {
      loop.execute(run);
    }
    return f;
  }

  /** The lookup engine's view of this node. */
  private final class Host implements LookupHost {
    @Override
    public CompletableFuture<Reply> query(Contact to, QueryArgs args, long timeoutMillis) {
      long sent = System.nanoTime();
      return transport.query(to.address(), args, timeoutMillis)
          .whenComplete((reply, error) -> {
            if (reply != null) {
              onReplyFrom(to.address(), reply, sent, to);
            } else if (error instanceof QueryTimeoutException) {
              tableFor(to.address().getAddress()).onTimeout(to, config.clock().millis());
            }
          });
    }

    @Override
    public ScheduledExecutorService loop() {
      return transport.eventLoop();
    }

    @Override
    public NodeId localId() {
      return id;
    }

    @Override
    public RttEstimator rtt() {
      return rtt;
    }

    @Override
    public boolean mayQuery(Contact contact) {
      return mayUse(contact);
    }
  }
}
