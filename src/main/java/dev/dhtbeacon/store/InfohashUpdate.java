package dev.dhtbeacon.store;

import dev.dhtbeacon.routing.NodeId;

/** A change to the record of one infohash. */
interface InfohashUpdate {
  NodeId hash();

  /** The record after this change to {@code old} (null if there was none). */
  CrawlInfohash apply(CrawlInfohash old);
}
