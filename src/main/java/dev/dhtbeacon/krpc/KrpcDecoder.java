package dev.dhtbeacon.krpc;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns a datagram into an {@link Inbound} message or a {@link MalformedDatagram}. Copies the
 * bytes out, so no buffer travels further; the superclass releases the packet.
 */
final class KrpcDecoder extends MessageToMessageDecoder<DatagramPacket> {
  private final KrpcCodec codec;
  private final TransportCounters counters;

  KrpcDecoder(KrpcCodec codec, TransportCounters counters) {
    this.codec = codec;
    this.counters = counters;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
    byte[] bytes = ByteBufUtil.getBytes(packet.content());
    counters.bytesReceived.add(bytes.length);
    try {
      out.add(new Inbound(codec.decode(bytes), packet.sender()));
    } catch (MalformedMessageException e) {
      counters.malformed.increment();
      out.add(new MalformedDatagram(e, packet.sender()));
    }
  }
}
