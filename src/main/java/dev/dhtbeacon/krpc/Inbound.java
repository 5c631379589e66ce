package dev.dhtbeacon.krpc;

import java.net.InetSocketAddress;

/** A decoded datagram and who sent it; what {@link KrpcDecoder} passes up the pipeline. */
record Inbound(KrpcMessage message, InetSocketAddress sender) {
}
