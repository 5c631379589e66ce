package dev.dhtbeacon.registry;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/** Keeps a key published every interval until closed. */
public final class PublishHandle implements AutoCloseable {
  private final PublicKey key;
  private final AtomicReference<PublishResult> last = new AtomicReference<>();
  private volatile ScheduledFuture<?> task;

  PublishHandle(PublicKey key) {
    this.key = key;
  }

  void schedule(ScheduledFuture<?> task) {
    this.task = task;
  }

  void completed(PublishResult result) {
    last.set(result);
  }

  public PublicKey key() {
    return key;
  }

  /** The most recent publish's outcome, or null before the first one finished. */
  public PublishResult lastResult() {
    return last.get();
  }

  /** Stops publishing; a publish in progress finishes. */
  @Override
  public void close() {
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
  }
}
