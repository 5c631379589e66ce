package dev.dhtbeacon.lookup;

import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a lookup needs from the node that runs it. The node implements it and, on each reply or
 * timeout, updates its routing table, so lookups feed the table as a side effect.
 */
public interface LookupHost {
  /** Sends a query; completes on {@link #loop()}. */
  CompletableFuture<Reply> query(Contact to, QueryArgs args, long timeoutMillis);

  /** The node's event loop: lookups run on it and schedule their timers there. */
  ScheduledExecutorService loop();

  NodeId localId();

  /** Round-trip statistics shared by the node's lookups. */
  RttEstimator rtt();

  /** Whether a contact learned from a peer may be queried (family, egress rules, not self). */
  boolean mayQuery(Contact contact);
}
