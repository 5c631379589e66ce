package dev.dhtbeacon.krpc;

import java.net.InetSocketAddress;

/** A datagram that failed to decode, passed up so the handler can answer 203 or drop it. */
record MalformedDatagram(MalformedMessageException error, InetSocketAddress sender) {
}
