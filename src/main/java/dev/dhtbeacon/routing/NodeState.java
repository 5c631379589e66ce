package dev.dhtbeacon.routing;

/** Liveness of a routing table entry, as BEP 5 defines it. */
public enum NodeState {
  /** Answered one of our queries recently, or answered once and queried us recently. */
  GOOD,
  /** Not heard from lately, or never verified by a response: worth a ping. */
  QUESTIONABLE,
  /** Failed to answer several consecutive queries; first to be replaced. */
  BAD
}
