package dev.dhtbeacon.registry;

/**
 * Told of every publish and resolve a {@link DhtBeacon} runs (metrics, status pages). Called on
 * the beacon's own threads, never an event loop; must be fast and must not throw.
 */
public interface BeaconListener {
  /** A publish finished (with however many copies). */
  default void onPublished(PublishResult result) {
  }

  /** A publish could not run or failed (no address to publish, network trouble). */
  default void onPublishFailed(PublicKey key, Throwable error) {
  }

  /** A resolve finished, found or not. */
  default void onResolved(ResolveResult result) {
  }

  /** A resolve failed (node closed, timeout below the lookup). */
  default void onResolveFailed(PublicKey key, Throwable error) {
  }
}
