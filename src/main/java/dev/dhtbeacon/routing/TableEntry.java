package dev.dhtbeacon.routing;

/**
 * Mutable per-node bookkeeping inside a {@link RoutingTable}. Owned by the table's thread; never
 * handed out (callers see {@link RoutingEntryView}).
 */
final class TableEntry {
  /** Marks a timestamp that has never been set; timestamps may legitimately be 0 or negative. */
  static final long NEVER = Long.MIN_VALUE;

  final Contact contact;
  /** Whether it ever answered one of our queries; only then can it be good. */
  boolean verified;
  long lastResponse = NEVER;
  long lastQuery = NEVER;
  /** Last response, query or insertion: orders the replacement cache and ping priority. */
  long lastSeen;
  long lastPing = NEVER;
  long rtt = -1;
  int failures;
  /** Whether the entry sits in a bucket's replacement cache rather than among the live ones. */
  boolean replacement;

  TableEntry(Contact contact, long nowMillis) {
    this.contact = contact;
    this.lastSeen = nowMillis;
  }

  NodeId id() {
    return contact.id();
  }

  void responded(long nowMillis, long rttMillis) {
    verified = true;
    failures = 0;
    lastResponse = nowMillis;
    lastSeen = Math.max(lastSeen, nowMillis);
    if (rttMillis >= 0) {
      // Smoothed like TCP's SRTT so one slow answer does not reorder preferences.
      rtt = rtt < 0 ? rttMillis : (7 * rtt + rttMillis) / 8;
    }
  }

  void queried(long nowMillis) {
    lastQuery = nowMillis;
    lastSeen = Math.max(lastSeen, nowMillis);
  }

  boolean isBad(RoutingTable.Settings settings) {
    return failures >= settings.badAfterFailures();
  }

  NodeState state(RoutingTable.Settings settings, long nowMillis) {
    if (isBad(settings)) {
      return NodeState.BAD;
    }
    if (verified && failures == 0
        && (within(lastResponse, nowMillis, settings.goodForMillis())
            || within(lastQuery, nowMillis, settings.goodForMillis()))) {
      return NodeState.GOOD;
    }
    return NodeState.QUESTIONABLE;
  }

  static boolean within(long at, long nowMillis, long windowMillis) {
    return at != NEVER && nowMillis - at < windowMillis;
  }

  RoutingEntryView view(RoutingTable.Settings settings, long nowMillis) {
    return new RoutingEntryView(contact, verified ? lastResponse : 0, rtt, state(settings, nowMillis));
  }
}
