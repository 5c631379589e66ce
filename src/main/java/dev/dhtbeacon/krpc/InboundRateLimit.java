package dev.dhtbeacon.krpc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.util.function.LongSupplier;

/** Drops datagrams from an IP that exceeds its allowance, before any decoding work. */
final class InboundRateLimit extends ChannelInboundHandlerAdapter {
  private final IpRateLimiter limiter;
  private final TransportCounters counters;
  private final LongSupplier nanoTime;

  InboundRateLimit(IpRateLimiter limiter, TransportCounters counters, LongSupplier nanoTime) {
    this.limiter = limiter;
    this.counters = counters;
    this.nanoTime = nanoTime;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof DatagramPacket packet) {
      counters.received.increment();
      if (!limiter.tryAcquire(packet.sender().getAddress(), nanoTime.getAsLong())) {
        counters.rateLimited.increment();
        packet.release();
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }
}
