package dev.dhtbeacon.krpc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.TimeUnit;

/** Holds each outbound datagram for a {@link LatencyModel} delay before passing it on. */
final class DelayedSend extends ChannelOutboundHandlerAdapter {
  private final LatencyModel latency;

  DelayedSend(LatencyModel latency) {
    this.latency = latency;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    long delay = latency.nextDelayMicros();
    if (delay <= 0) {
      ctx.write(msg, promise);
      return;
    }
    ctx.executor().schedule(() -> {
      ctx.writeAndFlush(msg, promise);
    }, delay, TimeUnit.MICROSECONDS);
  }
}
