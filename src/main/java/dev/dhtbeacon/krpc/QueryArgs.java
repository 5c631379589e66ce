package dev.dhtbeacon.krpc;

import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.routing.NodeId;

/** The method-specific part of a query: one record per KRPC method we know. */
public sealed interface QueryArgs {
  /** The method name on the wire. */
  String method();

  /** {@code ping}. */
  record Ping() implements QueryArgs {
    @Override
    public String method() {
      return "ping";
    }
  }

  /** {@code find_node}. */
  record FindNode(NodeId target, Want want) implements QueryArgs {
    @Override
    public String method() {
      return "find_node";
    }
  }

  /** {@code get_peers}. */
  record GetPeers(NodeId infoHash, Want want) implements QueryArgs {
    @Override
    public String method() {
      return "get_peers";
    }
  }

  /** {@code announce_peer}; with {@code impliedPort} the sender's UDP source port counts. */
  record AnnouncePeer(NodeId infoHash, int port, boolean impliedPort, BString token, boolean seed)
      implements QueryArgs {
    @Override
    public String method() {
      return "announce_peer";
    }
  }

  /** BEP 44 {@code get}; {@code seq} (nullable) asks to omit {@code v} when not newer. */
  record Get(NodeId target, Long seq, Want want) implements QueryArgs {
    @Override
    public String method() {
      return "get";
    }
  }

  /**
   * BEP 44 {@code put}. Immutable when {@code k} is null. {@code v} is the decoded value;
   * since our decoder accepts only canonical bencode, re-encoding it gives the signed bytes.
   */
  record Put(BString token, BValue v, BString k, BString sig, Long seq, Long cas, BString salt)
      implements QueryArgs {
    @Override
    public String method() {
      return "put";
    }

    public boolean mutable() {
      return k != null;
    }
  }

  /** BEP 51 {@code sample_infohashes}. */
  record SampleInfohashes(NodeId target, Want want) implements QueryArgs {
    @Override
    public String method() {
      return "sample_infohashes";
    }
  }

  /**
   * A method we do not implement. When it names a {@code target} or {@code info_hash}, BEP 5
   * practice is to answer like {@code find_node}; otherwise with error 204.
   */
  record Unknown(String method, NodeId target, Want want) implements QueryArgs {
  }
}
