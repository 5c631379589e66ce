package dev.dhtbeacon.service;

import dev.dhtbeacon.registry.BeaconListener;
import dev.dhtbeacon.registry.PublicKey;
import dev.dhtbeacon.registry.PublishResult;
import dev.dhtbeacon.registry.Publisher;
import dev.dhtbeacon.registry.ResolveResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Publish and resolve outcomes as meters, and the publish state {@code /status} shows.
 *
 * <p>Publish outcomes: {@code stored} (at least {@link Publisher#MIN_COPIES} copies),
 * {@code under_replicated} (fewer, but some), {@code not_stored} (none) and {@code failed} (the
 * publish could not run). Resolve outcomes: {@code found}, {@code not_found}, {@code failed},
 * each with {@code source} {@code cache} or {@code dht}.
 */
final class BeaconMeters implements BeaconListener {
  private final Clock clock;
  private final PublishState publish;
  private final DistributionSummary copies;
  private final Timer publishTime;
  /** Pre-registered, so the resolve path (thousands a second from /resolve) only counts. */
  private final Map<String, Counter> counters = new HashMap<>();
  private final Map<String, Timer> resolveTimes = new HashMap<>();

  /** @param publish where publishes are recorded for {@code /status}, or null when none run */
  BeaconMeters(MeterRegistry registry, Clock clock, PublishState publish) {
    this.clock = clock;
    this.publish = publish;
    this.copies = DistributionSummary.builder("dhtbeacon.publish.copies")
        .description("Nodes holding our item after each publish").register(registry);
    this.publishTime = Timer.builder("dhtbeacon.publish.duration")
        .description("Publish time: lookup (when tokens are stale) and puts")
        .register(registry);
    for (String outcome : new String[] {"stored", "under_replicated", "not_stored", "failed"}) {
      counters.put(outcome, Counter.builder("dhtbeacon.publish")
          .description("Publishes by outcome").tag("outcome", outcome).register(registry));
    }
    for (String source : new String[] {"cache", "dht"}) {
      for (String outcome : new String[] {"found", "not_found", "failed"}) {
        counters.put(outcome + "/" + source, Counter.builder("dhtbeacon.resolve")
            .description("Resolves by outcome and source")
            .tags("outcome", outcome, "source", source).register(registry));
      }
      resolveTimes.put(source, Timer.builder("dhtbeacon.resolve.duration")
          .description("Resolve time by source").tag("source", source).register(registry));
    }
    if (publish != null) {
      Gauge.builder("dhtbeacon.publish.last.copies", publish,
              p -> p.last() == null ? Double.NaN : p.last().copies())
          .description("Copies the last publish reached").register(registry);
      Gauge.builder("dhtbeacon.publish.last.seq", publish,
              p -> p.last() == null ? Double.NaN : p.last().seq())
          .description("The seq last published (microseconds since the epoch)")
          .register(registry);
    }
  }

  @Override
  public void onPublished(PublishResult r) {
    if (publish != null && publish.key().equals(r.key())) {
      publish.published(r, clock.instant());
    }
    copies.record(r.copies());
    publishTime.record(r.millis(), TimeUnit.MILLISECONDS);
    publishCounter(r.copies() >= Publisher.MIN_COPIES ? "stored"
        : r.copies() > 0 ? "under_replicated" : "not_stored").increment();
  }

  @Override
  public void onPublishFailed(PublicKey key, Throwable error) {
    if (publish != null && publish.key().equals(key)) {
      publish.failed(error, clock.instant());
    }
    publishCounter("failed").increment();
  }

  @Override
  public void onResolved(ResolveResult r) {
    String source = r.fromCache() ? "cache" : "dht";
    resolveCounter(r.found() ? "found" : "not_found", source).increment();
    resolveTimes.get(source).record(r.millis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void onResolveFailed(PublicKey key, Throwable error) {
    resolveCounter("failed", "dht").increment();
  }

  private Counter publishCounter(String outcome) {
    return counters.get(outcome);
  }

  private Counter resolveCounter(String outcome, String source) {
    return counters.get(outcome + "/" + source);
  }
}
