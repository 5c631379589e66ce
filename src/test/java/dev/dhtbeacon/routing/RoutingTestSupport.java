package dev.dhtbeacon.routing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Random;

/** Test helpers: contacts on distinct loopback addresses, ids at chosen distances. */
final class RoutingTestSupport {
  static final int PORT = 6881;

  private RoutingTestSupport() {
  }

  /** 127.x.y.z derived from {@code n}, so each n is its own host. */
  static InetAddress loopback(int n) {
    byte[] ip = {127, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    try {
      return InetAddress.getByAddress(ip);
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }

  static Contact contact(NodeId id, int host) {
    return new Contact(id, new InetSocketAddress(loopback(host), PORT));
  }

  static Contact contact(NodeId id, int host, int port) {
    return new Contact(id, new InetSocketAddress(loopback(host), port));
  }

  /** An id sharing exactly {@code prefix} leading bits with {@code self}, the rest random. */
  static NodeId idAtPrefix(NodeId self, int prefix, Random random) {
    NodeId id = NodeId.random(random);
    for (int bit = 0; bit <= prefix && bit < NodeId.BITS; bit++) {
      id = id.withBit(bit, self.bit(bit) ^ (bit == prefix));
    }
    return id;
  }

  /** An id whose first byte is {@code first} and the rest is {@code n}, for readable tests. */
  static NodeId id(int first, int n) {
    byte[] b = new byte[NodeId.LENGTH];
    b[0] = (byte) first;
    b[16] = (byte) (n >>> 24);
    b[17] = (byte) (n >>> 16);
    b[18] = (byte) (n >>> 8);
    b[19] = (byte) n;
    return NodeId.of(b);
  }
}
