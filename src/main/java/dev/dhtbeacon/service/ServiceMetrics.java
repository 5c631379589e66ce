package dev.dhtbeacon.service;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.NodeStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;

/**
 * The service's meters in one Prometheus registry: KRPC traffic ({@link KrpcMeters}), node
 * state and lookup timers ({@link NodeMeters}), publish and resolve outcomes
 * ({@link BeaconMeters}), optional crawl progress, and the JVM and process (memory, GC, threads,
 * classes, CPU, uptime).
 *
 * <p>Names follow Micrometer's dotted convention and come out in Prometheus form: a counter
 * {@code dhtbeacon.krpc.packets} is scraped as {@code dhtbeacon_krpc_packets_total}.
 */
public final class ServiceMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final BeaconMeters beacon;
  private volatile NodeMeters node;

  /**
   * JVM, process, publish and resolve meters; the node's come with {@link #bindNode}.
   *
   * @param publish the publish state to track, or null when nothing is published
   */
  ServiceMetrics(Clock clock, PublishState publish) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    this.beacon = new BeaconMeters(registry, clock, publish);
  }

  /** Binds the node's meters; call before it starts, so its bootstrap lookups are timed. */
  void bindNode(DhtNode dhtNode) {
    KrpcMeters.bind(registry, dhtNode);
    NodeMeters meters = new NodeMeters(registry, dhtNode);
    dhtNode.addLookupListener(meters);
    this.node = meters;
  }

  /** The listener to give the beacon's builder. */
  BeaconMeters beaconListener() {
    return beacon;
  }

  /** Exports {@code source}'s numbers as {@code dhtbeacon_crawl_<name>} gauges. */
  void bindCrawl(CrawlStatusSource source) {
    for (String name : source.gaugeNames()) {
      Gauge.builder("dhtbeacon.crawl." + name, source, s -> s.gauge(name))
          .description("Crawl progress: " + name.replace('_', ' ')).register(registry);
    }
  }

  /** A fresh node snapshot (also what the gauges read until the next one). */
  NodeStatus nodeStatus() {
    NodeMeters n = node;
    return n == null ? null : n.refresh();
  }

  /** The Prometheus text exposition (format 0.0.4), with node gauges refreshed first. */
  public String scrape() {
    nodeStatus();
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
