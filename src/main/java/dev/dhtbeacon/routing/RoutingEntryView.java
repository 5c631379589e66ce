package dev.dhtbeacon.routing;

/**
 * An immutable snapshot of one routing table entry, e.g. for writing a {@code .boot} file or a
 * status page.
 *
 * @param contact the node
 * @param lastResponseMillis when it last answered one of our queries; 0 if it never has
 * @param rttMillis smoothed round-trip time of its responses; -1 if unknown
 * @param state its BEP 5 state at the time the snapshot was taken
 */
public record RoutingEntryView(Contact contact, long lastResponseMillis, long rttMillis, NodeState state) {
  /** Whether the entry was good when the snapshot was taken. */
  public boolean good() {
    return state == NodeState.GOOD;
  }
}
