package dev.dhtbeacon.node;

import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.lookup.LookupMethod;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.routing.RoutingEntryView;
import dev.dhtbeacon.routing.RoutingTable;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's housekeeping, on its event loop: bootstrap, pings of questionable entries,
 * refresh of idle buckets, peer expiry, re-bootstrap when the table runs dry, and the periodic
 * atomic save of {@code .boot}.
 */
final class NodeMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(NodeMaintenance.class);
  private static final int PINGS_PER_TICK = 8;
  private static final int MAX_REFRESHES_IN_FLIGHT = 2;
  private static final long REBOOTSTRAP_MILLIS = 60_000;

  private final DhtNode node;
  private final Random random = new Random();
  private List<Contact> bootContacts = List.of();
  private ScheduledFuture<?> tick;
  private long lastBootSave;
  private long lastBootstrap;
  private int refreshesInFlight;
  private boolean bootstrapping;

  NodeMaintenance(DhtNode node) {
    this.node = node;
  }

  /** Bootstraps from {@code .boot} contacts and addresses, and schedules the periodic tick. */
  CompletableFuture<Void> start(List<Contact> fromBootFile) {
    bootContacts = fromBootFile.stream().filter(node::mayUse).toList();
    long now = node.config().clock().millis();
    lastBootSave = now;
    long period = node.config().maintenanceMillis();
    tick = node.transport().eventLoop().scheduleWithFixedDelay(this::tick,
        period, period, TimeUnit.MILLISECONDS);
    return bootstrap();
  }

  void stop() {
    if (tick != null) {
      tick.cancel(false);
    }
  }

  /**
   * Looks up our own id from the {@code .boot} contacts. Only when that leaves the table empty
   * are the {@code --bootstrap} addresses asked, and then the routers, resolved (mainline mode
   * only) off the event loop.
   */
  CompletableFuture<Void> bootstrap() {
    bootstrapping = true;
    lastBootstrap = node.config().clock().millis();
    CompletableFuture<?> fromBoot = bootContacts.isEmpty()
        ? CompletableFuture.completedFuture(null)
        : node.startLookup(node.id(), new LookupMethod.FindNode(),
            node.config().lookup(), bootContacts);
    return fromBoot
        .thenComposeAsync(v -> isEmpty() ? fromAddresses() : CompletableFuture.completedFuture(
            null), loop())
        .thenComposeAsync(v -> widenIfOneBucket(), loop())
        .handle((result, error) -> {
          bootstrapping = false;
          if (error != null) {
            LOG.warn("{}: bootstrap failed: {}", node.id().hex().substring(0, 8),
                error.toString());
          }
          return null;
        });
  }

  /**
   * Looks up a random id in the far half of the keyspace if the self-lookup left a single
   * bucket. On a small network (or where our bootstrap node is one of our own closest) the
   * self-lookup can meet exactly the k nodes closest to us and no one else: a table of one full
   * bucket that never splits, so every later lookup starts from one neighbourhood, until a
   * bucket refresh 15 minutes on. One lookup's responders from the other half split it.
   */
  private CompletableFuture<?> widenIfOneBucket() {
    RoutingTable table = node.tableFor(node.familyOfSocket());
    if (table.size() == 0 || table.bucketCount() > 1) {
      return CompletableFuture.completedFuture(null);
    }
    return node.startLookup(NodeId.randomSharingPrefix(node.id(), 0, false, random),
        new LookupMethod.FindNode(), node.config().lookup(), List.of());
  }

  private CompletableFuture<?> fromAddresses() {
    NodeConfig config = node.config();
    return CompletableFuture
        .supplyAsync(() -> Routers.resolve(config.mode(), config.routers()), node.callbacks())
        .thenComposeAsync(routers -> {
          List<InetSocketAddress> addresses = new ArrayList<>(config.bootstrap());
          addresses.addAll(routers);
          List<Contact> learned = new ArrayList<>();
          List<CompletableFuture<?>> asks = new ArrayList<>();
          for (InetSocketAddress a : addresses) {
            asks.add(node.sendRaw(a, new QueryArgs.FindNode(node.id(), Want.UNSPECIFIED))
                .handle((reply, error) -> {
                  if (reply instanceof Response r) {
                    learned.addAll(r.allNodes());
                  }
                  return null;
                }));
          }
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
              .thenComposeAsync(v -> node.startLookup(node.id(), new LookupMethod.FindNode(),
                  config.lookup(), learned), loop());
        }, loop());
  }

  private boolean isEmpty() {
    return node.tableV4().size() + node.tableV6().size() == 0;
  }

  private Executor loop() {
    return node.transport().eventLoop();
  }

  private void tick() {
    if (node.isSilent()) {
      return;
    }
    long now = node.config().clock().millis();
    pingQuestionable(node.tableV4(), now);
    pingQuestionable(node.tableV6(), now);
    refreshIdleBuckets(now);
    node.peers().expire();
    node.items().expire();
    if (isEmpty() && !bootstrapping && now - lastBootstrap >= REBOOTSTRAP_MILLIS) {
      bootstrap();
    }
    if (now - lastBootSave >= node.config().bootSaveMillis()) {
      lastBootSave = now;
      saveBootFile();
    }
  }

  private void pingQuestionable(RoutingTable table, long now) {
    for (Contact c : table.questionableToPing(now, PINGS_PER_TICK)) {
      node.host().query(c, new QueryArgs.Ping(), node.config().lookup().queryTimeoutMillis());
    }
  }

  private void refreshIdleBuckets(long now) {
    for (NodeId target : node.tableFor(node.familyOfSocket()).refreshTargets(now)) {
      if (refreshesInFlight >= MAX_REFRESHES_IN_FLIGHT) {
        return;
      }
      refreshesInFlight++;
      node.startLookup(target, new LookupMethod.FindNode(), node.config().lookup(), List.of())
          .whenComplete((r, e) -> refreshesInFlight--);
    }
  }

  /**
   * Picks the nodes worth keeping on the loop, then writes the file off the loop: disk I/O
   * must not stall the node.
   */
  CompletableFuture<Void> saveBootFile() {
    Path boot = node.config().bootFile();
    if (boot == null) {
      return CompletableFuture.completedFuture(null);
    }
    long now = node.config().clock().millis();
    List<BootFile.Candidate> candidates = new ArrayList<>();
    for (RoutingTable table : List.of(node.tableV4(), node.tableV6())) {
      for (RoutingEntryView e : table.entries(now)) {
        candidates.add(new BootFile.Candidate(e.contact(), e.lastResponseMillis(),
            e.rttMillis() < 0 ? Long.MAX_VALUE : e.rttMillis()));
      }
    }
    List<Contact> chosen = BootFile.select(candidates, now);
    String header = "node " + node.id().hex() + ", " + chosen.size() + " nodes";
    return CompletableFuture.runAsync(() -> {
      try {
        BootFile.save(boot, chosen, header);
      } catch (IOException e) {
        LOG.warn("cannot save {}: {}", boot, e.getMessage());
      }
    }, node.callbacks());
  }
}
