package dev.dhtbeacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.krpc.PacketCounters;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.routing.Endpoints;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry over two real nodes on loopback: the exposition parses as Prometheus text,
 * declares every family the service promises, and its KRPC counters follow real pings.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceMetricsTest {
  @Test
  void exposesEveryFamilyAndCountsRealTraffic() throws Exception {
    DhtNode served = DhtNode.builder().network(NetworkMode.LOOPBACK)
        .bind(Endpoints.parse("127.0.205.1:31050")).build();
    DhtNode asker = DhtNode.builder().network(NetworkMode.LOOPBACK)
        .bind(Endpoints.parse("127.0.205.2:31051")).build();
    try (ServiceMetrics metrics = new ServiceMetrics(Clock.systemUTC(), null)) {
      metrics.bindNode(served);
      served.start().get(10, TimeUnit.SECONDS);
      asker.start().get(10, TimeUnit.SECONDS);
      PrometheusText before = PrometheusText.parse(metrics.scrape());
      for (String family : new String[] {"dhtbeacon_krpc_packets_total",
          "dhtbeacon_krpc_errors_total", "dhtbeacon_krpc_timeouts_total",
          "dhtbeacon_krpc_egress_refused_total", "dhtbeacon_krpc_rate_limited_total",
          "dhtbeacon_routing_table_nodes", "dhtbeacon_routing_buckets",
          "dhtbeacon_lookup_duration_seconds", "dhtbeacon_stored_items",
          "dhtbeacon_publish_total", "dhtbeacon_resolve_total", "jvm_memory_used_bytes",
          "jvm_gc_memory_allocated_bytes_total", "process_cpu_usage", "process_uptime_seconds",
          "jvm_threads_live_threads"}) {
        assertTrue(before.types().containsKey(family), family + " missing: " + before.types());
      }
      assertEquals(PacketCounters.METHODS.size() * 2 * 3,
          before.samples().stream().filter(s -> s.name().equals("dhtbeacon_krpc_packets_total"))
              .count(), "every method × direction × type from the start");
      for (int i = 0; i < 5; i++) {
        asker.ping(served.address()).get(5, TimeUnit.SECONDS);
      }
      PrometheusText after = PrometheusText.parse(metrics.scrape());
      String[] pingsIn = {"direction", "in", "type", "query", "method", "ping"};
      String[] pongsOut = {"direction", "out", "type", "response", "method", "ping"};
      assertEquals(5, after.value("dhtbeacon_krpc_packets_total", pingsIn)
          - before.value("dhtbeacon_krpc_packets_total", pingsIn));
      assertEquals(5, after.value("dhtbeacon_krpc_packets_total", pongsOut)
          - before.value("dhtbeacon_krpc_packets_total", pongsOut));
      assertTrue(after.value("dhtbeacon_krpc_traffic_bytes_total", "direction", "in")
          > before.value("dhtbeacon_krpc_traffic_bytes_total", "direction", "in"));
      assertEquals(1, after.value("dhtbeacon_routing_table_nodes", "family", "ipv4"),
          "the asker entered the table");
    } finally {
      asker.close();
      served.close();
    }
  }
}
