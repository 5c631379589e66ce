package dev.dhtbeacon.service;

import dev.dhtbeacon.node.NodeStatus;
import dev.dhtbeacon.routing.Endpoints;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code /status} document:
 * <pre>{@code
 * {"node_id": hex, "network": "loopback", "dht_address": "ip:port",
 *  "started": ISO-8601, "uptime_seconds": n,
 *  "external": {"ip": "...", "source": "flag"|"votes"|null, "votes": n, "voters": n,
 *               "seen_as": "ip:port" | null},
 *  "routing": {"nodes": n, "nodes_ipv6": n, "buckets": n, "bucket_fill": [n, ...],
 *              "pending_queries": n, "rtt_ms": x},
 *  "storage": {"items": n, "infohashes": n},
 *  "publish": null | {see PublishState#toJson},
 *  "crawl": null | {whatever the attached CrawlStatusSource reports}}
 * }</pre>
 * {@code external.ip} is {@code --address}'s IP when given (source "flag"), else the BEP 42
 * majority (source "votes", with how many of the voters agree), else null.
 */
final class StatusReport implements Supplier<Map<String, Object>> {
  private final ServeSettings settings;
  private final ServiceMetrics metrics;
  private final PublishState publish;
  private final Clock clock;
  private final Instant started;
  private volatile CrawlStatusSource crawl;

  StatusReport(ServeSettings settings, ServiceMetrics metrics, PublishState publish,
      Clock clock) {
    this.settings = settings;
    this.metrics = metrics;
    this.publish = publish;
    this.clock = clock;
    this.started = clock.instant();
  }

  void crawl(CrawlStatusSource source) {
    this.crawl = source;
  }

  @Override
  public Map<String, Object> get() {
    NodeStatus s = metrics.nodeStatus();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node_id", s == null ? null : s.id().hex());
    m.put("network", settings.mode().toString());
    m.put("dht_address", s == null ? null : Endpoints.format(s.address()));
    m.put("started", started.toString());
    m.put("uptime_seconds", Duration.between(started, clock.instant()).toSeconds());
    m.put("external", external(s));
    Map<String, Object> routing = new LinkedHashMap<>();
    routing.put("nodes", s == null ? null : s.routingV4());
    routing.put("nodes_ipv6", s == null ? null : s.routingV6());
    routing.put("buckets", s == null ? null : s.buckets());
    routing.put("bucket_fill", s == null ? null : s.bucketFill());
    routing.put("pending_queries", s == null ? null : s.pendingQueries());
    routing.put("rtt_ms", s == null ? null : Math.round(s.smoothedRttMillis() * 10) / 10.0);
    m.put("routing", routing);
    Map<String, Object> storage = new LinkedHashMap<>();
    storage.put("items", s == null ? null : s.storedItems());
    storage.put("infohashes", s == null ? null : s.infohashes());
    m.put("storage", storage);
    m.put("publish", publish == null ? null : publish.toJson());
    CrawlStatusSource c = crawl;
    m.put("crawl", c == null ? null : c.status());
    return m;
  }

  private Map<String, Object> external(NodeStatus s) {
    InetSocketAddress voted = s == null ? null : s.external();
    Map<String, Object> m = new LinkedHashMap<>();
    InetSocketAddress fixed = settings.fixedAddress();
    if (fixed != null) {
      m.put("ip", fixed.getAddress().getHostAddress());
      m.put("source", "flag");
    } else if (voted != null) {
      m.put("ip", voted.getAddress().getHostAddress());
      m.put("source", "votes");
    } else {
      m.put("ip", null);
      m.put("source", null);
    }
    m.put("votes", s == null ? 0 : s.externalVotes());
    m.put("voters", s == null ? 0 : s.voters());
    m.put("seen_as", voted == null ? null : Endpoints.format(voted));
    return m;
  }
}
