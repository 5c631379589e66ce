package dev.dhtbeacon.service;

import dev.dhtbeacon.krpc.KrpcTransport;
import dev.dhtbeacon.krpc.PacketCounters;
import dev.dhtbeacon.krpc.TransportCounters;
import dev.dhtbeacon.node.DhtNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The transport's counters as Micrometer function counters: read at scrape time from the
 * node's {@link TransportCounters}, so the packet path pays nothing for metrics. Every series
 * exists from the start (the tables are fixed), which keeps {@code rate()} honest.
 */
final class KrpcMeters {
  private KrpcMeters() {
  }

  static void bind(MeterRegistry registry, DhtNode node) {
    for (PacketCounters.Direction d : PacketCounters.Direction.values()) {
      for (PacketCounters.Type t : PacketCounters.Type.values()) {
        for (String method : PacketCounters.METHODS) {
          FunctionCounter.builder("dhtbeacon.krpc.packets", node,
                  n -> count(n, p -> p.packets(d, t, method)))
              .description("KRPC datagrams by direction, message type and method (other: "
                  + "unknown methods and replies that matched no query)")
              .tags("direction", d.label(), "type", t.label(), "method", method)
              .register(registry);
        }
      }
      for (Integer code : PacketCounters.ERROR_CODES) {
        errors(registry, node, d, String.valueOf(code), code);
      }
      errors(registry, node, d, "other", 0);
    }
    for (String method : PacketCounters.METHODS) {
      FunctionCounter.builder("dhtbeacon.krpc.timeouts", node,
              n -> count(n, p -> p.timeouts(method)))
          .description("Queries that got no answer in time, by method")
          .tag("method", method).register(registry);
    }
    counter(registry, node, "dhtbeacon.krpc.egress.refused", c -> c.egressRefused,
        "Datagrams the egress guard refused (destination not allowed in this network mode)");
    counter(registry, node, "dhtbeacon.krpc.rate.limited", c -> c.rateLimited,
        "Inbound datagrams dropped by the per-IP rate limit");
    counter(registry, node, "dhtbeacon.krpc.malformed", c -> c.malformed,
        "Inbound datagrams that were not valid KRPC");
    counter(registry, node, "dhtbeacon.krpc.unknown.transaction", c -> c.unknownTransaction,
        "Replies that matched no pending query (tid and sender)");
    counter(registry, node, "dhtbeacon.krpc.send.failures", c -> c.sendFailures,
        "Datagrams the socket failed to send");
    counter(registry, node, "dhtbeacon.krpc.oversize.dropped", c -> c.oversizeDropped,
        "Outbound messages dropped for exceeding 1500 bytes");
    FunctionCounter.builder("dhtbeacon.krpc.traffic", node, n -> sum(n, c -> c.bytesReceived))
        .description("UDP payload bytes").baseUnit("bytes").tag("direction", "in")
        .register(registry);
    FunctionCounter.builder("dhtbeacon.krpc.traffic", node, n -> sum(n, c -> c.bytesSent))
        .description("UDP payload bytes").baseUnit("bytes").tag("direction", "out")
        .register(registry);
  }

  private static void errors(MeterRegistry registry, DhtNode node, PacketCounters.Direction d,
      String label, int code) {
    FunctionCounter.builder("dhtbeacon.krpc.errors", node, n -> count(n, p -> p.errors(d, code)))
        .description("KRPC error replies by direction and code")
        .tags("direction", d.label(), "code", label).register(registry);
  }

  private static void counter(MeterRegistry registry, DhtNode node, String name,
      Function<TransportCounters, LongAdder> which, String description) {
    FunctionCounter.builder(name, node, (ToDoubleFunction<DhtNode>) n -> sum(n, which))
        .description(description).register(registry);
  }

  private static double sum(DhtNode node, Function<TransportCounters, LongAdder> which) {
    KrpcTransport t = node.transport();
    return t == null ? 0 : which.apply(t.counters()).sum();
  }

  /** A per-method count; zero before the node has bound its socket. */
  private static double count(DhtNode node, ToLongFunction<PacketCounters> which) {
    KrpcTransport t = node.transport();
    return t == null ? 0 : which.applyAsLong(t.counters().byMethod);
  }
}
