package dev.dhtbeacon.lookup;

import dev.dhtbeacon.krpc.Want;

/**
 * Lookup tuning.
 *
 * @param k how many closest responders end a lookup (BEP 5: 8)
 * @param alpha queries in flight at once, not counting stalled ones
 * @param maxQueries hard cap on queries per lookup
 * @param queryTimeoutMillis when an unanswered query is given up for good
 * @param want BEP 32 families to ask for
 */
public record LookupSettings(int k, int alpha, int maxQueries, long queryTimeoutMillis,
    Want want) {
  public LookupSettings {
    if (k < 1 || alpha < 1 || maxQueries < 1 || queryTimeoutMillis < 1) {
      throw new IllegalArgumentException("k=" + k + ", alpha=" + alpha + ", maxQueries="
          + maxQueries + ", timeout=" + queryTimeoutMillis + " must all be positive");
    }
  }

  public static LookupSettings defaults() {
    return new LookupSettings(8, 4, 200, 5_000, Want.UNSPECIFIED);
  }

  public LookupSettings withK(int k) {
    return new LookupSettings(k, alpha, maxQueries, queryTimeoutMillis, want);
  }
}
