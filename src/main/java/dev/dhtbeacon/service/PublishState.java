package dev.dhtbeacon.service;

import dev.dhtbeacon.registry.PublicKey;
import dev.dhtbeacon.registry.PublishResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code /status} says about publishing: the key, the last publish's seq and copies and
 * when it happened, and how many publishes ran and failed. Thread-safe (publishes arrive on the
 * beacon's worker, reads on HTTP threads).
 */
final class PublishState {
  private final PublicKey key;
  private PublishResult last;
  private Instant lastAt;
  private long publishes;
  private long failures;
  private String lastError;
  private Instant lastErrorAt;

  PublishState(PublicKey key) {
    this.key = key;
  }

  synchronized void published(PublishResult r, Instant at) {
    last = r;
    lastAt = at;
    publishes++;
  }

  synchronized void failed(Throwable error, Instant at) {
    failures++;
    lastError = error.getMessage() != null ? error.getMessage() : error.toString();
    lastErrorAt = at;
  }

  PublicKey key() {
    return key;
  }

  synchronized PublishResult last() {
    return last;
  }

  /**
   * {@code key, last_seq, copies, attempted, last_publish (ISO-8601), last_publish_ms,
   * publishes, failures, last_error, last_error_at}; the last-publish fields are null before
   * the first publish finished.
   */
  synchronized Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", key.hex());
    m.put("last_seq", last == null ? null : last.seq());
    m.put("copies", last == null ? null : last.copies());
    m.put("attempted", last == null ? null : last.attempted());
    m.put("last_publish", lastAt == null ? null : lastAt.toString());
    m.put("last_publish_ms", last == null ? null : last.millis());
    m.put("publishes", publishes);
    m.put("failures", failures);
    m.put("last_error", lastError);
    m.put("last_error_at", lastErrorAt == null ? null : lastErrorAt.toString());
    return m;
  }
}
