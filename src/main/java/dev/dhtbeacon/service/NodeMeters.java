package dev.dhtbeacon.service;

import dev.dhtbeacon.lookup.LookupListener;
import dev.dhtbeacon.lookup.LookupResult;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.NodeStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;

/**
 * Node state as gauges (routing table, buckets, stored items, external-address votes) and
 * lookup durations as timers by kind.
 *
 * <p>Gauges read one {@link NodeStatus} snapshot that {@link #refresh()} takes on the node's
 * event loop once per scrape, rather than hopping onto the loop once per gauge.
 */
final class NodeMeters implements LookupListener {
  private final MeterRegistry registry;
  private final DhtNode node;
  private final Map<String, Timer> lookupTimers = new ConcurrentHashMap<>();
  private final Map<Integer, Boolean> bucketGauges = new ConcurrentHashMap<>();
  private volatile NodeStatus last;

  NodeMeters(MeterRegistry registry, DhtNode node) {
    this.registry = registry;
    this.node = node;
    for (String kind : List.of("find_node", "get_peers", "get")) {
      lookupTimers.put(kind, Timer.builder("dhtbeacon.lookup.duration")
          .description("Iterative lookups, from first query to result, by KRPC method")
          .tag("kind", kind)
          .publishPercentiles(0.5, 0.9, 0.99)
          .distributionStatisticExpiry(Duration.ofMinutes(5))
          .register(registry));
    }
    gauge("dhtbeacon.routing.table.nodes", s -> s.routingV4(), "Routing table entries",
        "family", "ipv4");
    gauge("dhtbeacon.routing.table.nodes", s -> s.routingV6(), "Routing table entries",
        "family", "ipv6");
    gauge("dhtbeacon.routing.buckets", s -> s.buckets(), "Routing table buckets");
    gauge("dhtbeacon.stored.items", s -> s.storedItems(),
        "BEP 44 items this node stores for others");
    gauge("dhtbeacon.stored.infohashes", s -> s.infohashes(),
        "Infohashes with announced peers");
    gauge("dhtbeacon.pending.queries", s -> s.pendingQueries(), "Queries awaiting a reply");
    gauge("dhtbeacon.external.address.votes", s -> s.externalVotes(),
        "BEP 42 voters naming the winning external address");
    gauge("dhtbeacon.external.address.voters", s -> s.voters(), "Distinct BEP 42 voters");
    Gauge.builder("dhtbeacon.rtt.smoothed", this,
            m -> m.last == null ? Double.NaN : m.last.smoothedRttMillis() / 1000)
        .description("Smoothed round-trip time of answered queries").baseUnit("seconds")
        .register(registry);
  }

  @Override
  public void onLookupFinished(String kind, LookupResult result) {
    Timer t = lookupTimers.get(kind);
    if (t != null) {
      t.record(result.millis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Takes a fresh snapshot (waits at most two seconds for the event loop) and registers a
   * bucket-fill gauge for any bucket that split into existence since the last one.
   *
   * @return the snapshot, or the previous one if the loop did not answer in time
   */
  NodeStatus refresh() {
    try {
      last = node.status().get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return last;
    } catch (ExecutionException | TimeoutException e) {
      return last;
    }
    for (int i = 0; i < last.bucketFill().size(); i++) {
      if (bucketGauges.putIfAbsent(i, Boolean.TRUE) == null) {
        int bucket = i;
        Gauge.builder("dhtbeacon.routing.bucket.nodes", this, m -> m.fill(bucket))
            .description("Live entries per k-bucket; bucket i shares i prefix bits with our id")
            .tag("bucket", String.valueOf(bucket)).register(registry);
      }
    }
    return last;
  }

  /** The last snapshot, or null before the first refresh. */
  NodeStatus last() {
    return last;
  }

  private double fill(int bucket) {
    NodeStatus s = last;
    return s == null || bucket >= s.bucketFill().size() ? 0 : s.bucketFill().get(bucket);
  }

  private void gauge(String name, ToDoubleFunction<NodeStatus> value, String description,
      String... tags) {
    Gauge.builder(name, this, m -> m.last == null ? Double.NaN : value.applyAsDouble(m.last))
        .description(description).tags(tags).register(registry);
  }
}
