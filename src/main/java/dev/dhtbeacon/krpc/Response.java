package dev.dhtbeacon.krpc;

import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A KRPC response ({@code y = r}). Which fields are present depends on the query; absent ones
 * are null (lists: empty).
 *
 * @param requesterIp BEP 42 {@code ip}: how the responder saw our address, or null
 * @param nodes compact IPv4 nodes ({@code nodes})
 * @param nodes6 compact IPv6 nodes ({@code nodes6}, BEP 32)
 * @param values peers from {@code get_peers}
 * @param v BEP 44 value, k, sig, seq
 * @param samples BEP 51 infohash samples, with {@code interval} seconds and total {@code num}
 */
public record Response(TransactionId tid, NodeId sender, String version,
    InetSocketAddress requesterIp, List<Contact> nodes, List<Contact> nodes6, BString token,
    List<InetSocketAddress> values, BValue v, BString k, BString sig, Long seq,
    List<NodeId> samples, Integer interval, Long num) implements Reply {

  public Response {
    nodes = List.copyOf(nodes);
    nodes6 = List.copyOf(nodes6);
    values = List.copyOf(values);
    samples = List.copyOf(samples);
  }

  /** A response carrying only the responder's id (ping, announce_peer, put). */
  public static Response plain(TransactionId tid, NodeId sender) {
    return builder(tid, sender).build();
  }

  public static Builder builder(TransactionId tid, NodeId sender) {
    return new Builder(tid, sender);
  }

  /** Both families' nodes, IPv4 first. */
  public List<Contact> allNodes() {
    if (nodes6.isEmpty()) {
      return nodes;
    }
    if (nodes.isEmpty()) {
      return nodes6;
    }
    return java.util.stream.Stream.concat(nodes.stream(), nodes6.stream()).toList();
  }

  /** This response with {@code requesterIp} and {@code version} set, as sent to one peer. */
  public Response addressedTo(InetSocketAddress requester, String ourVersion) {
    return new Response(tid, sender, ourVersion, requester, nodes, nodes6, token, values, v, k,
        sig, seq, samples, interval, num);
  }

  /** Assembles a response; every field is optional but the tid and sender. */
  public static final class Builder {
    private final TransactionId tid;
    private final NodeId sender;
    private List<Contact> nodes = List.of();
    private List<Contact> nodes6 = List.of();
    private BString token;
    private List<InetSocketAddress> values = List.of();
    private BValue v;
    private BString k;
    private BString sig;
    private Long seq;
    private List<NodeId> samples = List.of();
    private Integer interval;
    private Long num;
    private InetSocketAddress requesterIp;
    private String version;

    private Builder(TransactionId tid, NodeId sender) {
      this.tid = tid;
      this.sender = sender;
    }

    public Builder nodes(List<Contact> v4, List<Contact> v6) {
      this.nodes = v4;
      this.nodes6 = v6;
      return this;
    }

    public Builder token(BString token) {
      this.token = token;
      return this;
    }

    public Builder values(List<InetSocketAddress> values) {
      this.values = values;
      return this;
    }

    /** BEP 44 item fields; {@code k}, {@code sig}, {@code seq} null for immutable items. */
    public Builder item(BValue v, BString k, BString sig, Long seq) {
      this.v = v;
      this.k = k;
      this.sig = sig;
      this.seq = seq;
      return this;
    }

    public Builder samples(List<NodeId> samples, int interval, long num) {
      this.samples = samples;
      this.interval = interval;
      this.num = num;
      return this;
    }

    public Builder requesterIp(InetSocketAddress requesterIp) {
      this.requesterIp = requesterIp;
      return this;
    }

    public Builder version(String version) {
      this.version = version;
      return this;
    }

    public Response build() {
      return new Response(tid, sender, version, requesterIp, nodes, nodes6, token, values, v, k,
          sig, seq, samples, interval, num);
    }
  }
}
