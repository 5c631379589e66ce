package dev.dhtbeacon.lookup;

import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.routing.NodeId;

/** What an iterative lookup asks each node on its way to the target. */
public sealed interface LookupMethod {
  /** The query to send toward {@code target}. */
  QueryArgs query(NodeId target, Want want);

  /** Whether answers must carry a token (only such nodes can later store for us). */
  boolean wantsToken();

  /** {@code find_node}: only the closest nodes. */
  record FindNode() implements LookupMethod {
    @Override
    public QueryArgs query(NodeId target, Want want) {
      return new QueryArgs.FindNode(target, want);
    }

    @Override
    public boolean wantsToken() {
      return false;
    }
  }

  /** {@code get_peers}: peers for an infohash and tokens to announce with. */
  record GetPeers() implements LookupMethod {
    @Override
    public QueryArgs query(NodeId target, Want want) {
      return new QueryArgs.GetPeers(target, want);
    }

    @Override
    public boolean wantsToken() {
      return true;
    }
  }

  /** BEP 44 {@code get}: items and tokens to put with; {@code seq} may be null. */
  record Get(Long seq) implements LookupMethod {
    @Override
    public QueryArgs query(NodeId target, Want want) {
      return new QueryArgs.Get(target, seq, want);
    }

    @Override
    public boolean wantsToken() {
      return true;
    }
  }
}
