package dev.dhtbeacon.krpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Turns an {@link Outbound} message into a datagram. Refuses to send more than
 * {@link #MAX_DATAGRAM} bytes: libtorrent drops larger replies, and fragments get lost.
 */
final class KrpcEncoder extends MessageToMessageEncoder<Outbound> {
  /** The largest datagram we send. */
  static final int MAX_DATAGRAM = 1500;

  private final KrpcCodec codec;
  private final TransportCounters counters;

  KrpcEncoder(KrpcCodec codec, TransportCounters counters) {
    this.codec = codec;
    this.counters = counters;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Outbound msg, List<Object> out) {
    byte[] bytes = codec.encode(msg.message());
    if (bytes.length > MAX_DATAGRAM) {
      counters.oversizeDropped.increment();
      throw new EncoderException("datagram of " + bytes.length + " bytes exceeds "
          + MAX_DATAGRAM);
    }
    ByteBuf buf = ctx.alloc().ioBuffer(bytes.length).writeBytes(bytes);
    out.add(new DatagramPacket(buf, msg.recipient()));
  }
}
