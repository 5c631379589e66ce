package dev.dhtbeacon.krpc;

import java.net.InetSocketAddress;

/** A message to send and where; what {@link KrpcEncoder} turns into a datagram. */
record Outbound(KrpcMessage message, InetSocketAddress recipient) {
}
