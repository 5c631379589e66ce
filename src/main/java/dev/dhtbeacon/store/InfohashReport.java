package dev.dhtbeacon.store;

import dev.dhtbeacon.routing.NodeId;

/**
 * The node whose id starts with {@code reporter} sampled {@code hash} (BEP 51) at
 * {@code nowMillis}.
 *
 * @param reporter the reporter's id, or at least its first 8 bytes (all a record keeps)
 */
public record InfohashReport(NodeId hash, byte[] reporter, long nowMillis)
    implements InfohashUpdate {
  @Override
  public CrawlInfohash apply(CrawlInfohash old) {
    return old == null ? CrawlInfohash.first(reporter, nowMillis)
        : old.reportedBy(reporter, nowMillis);
  }
}
