package dev.dhtbeacon.routing;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A DHT node as others name it: its id and its UDP endpoint. The address is always resolved
 * (an IP literal); nothing here ever performs a DNS lookup.
 */
public record Contact(NodeId id, InetSocketAddress address) {
  public Contact {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("contact address must be an IP literal: " + address);
    }
  }

  @Override
  public String toString() {
    return id.hex().substring(0, 8) + "@" + Endpoints.format(address);
  }
}
