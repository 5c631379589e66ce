package dev.dhtbeacon.lookup;

/**
 * Told when an iterative lookup ends (metrics: durations by kind). Runs on the node's event
 * loop, so it must be fast, must not block and must not throw.
 */
@FunctionalInterface
public interface LookupListener {
  /**
   * @param kind the lookup's KRPC method: {@code find_node}, {@code get_peers} or {@code get}
   */
  void onLookupFinished(String kind, LookupResult result);

  /** The kind name of {@code method}. */
  static String kindOf(LookupMethod method) {
    if (method instanceof LookupMethod.FindNode) {
      return "find_node";
    }
    return method instanceof LookupMethod.GetPeers ? "get_peers" : "get";
  }
}
