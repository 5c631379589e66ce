package dev.dhtbeacon.krpc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes decoded messages: queries to the node, replies to the query that awaits them,
 * malformed queries to an error 203. Never closes the channel: bad input costs one datagram.
 */
final class KrpcInboundHandler extends SimpleChannelInboundHandler<Object> {
  private static final Logger LOG = LoggerFactory.getLogger(KrpcInboundHandler.class);

  private final KrpcTransport transport;

  KrpcInboundHandler(KrpcTransport transport) {
    this.transport = transport;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Inbound in) {
      transport.onInbound(in.message(), in.sender());
    } else if (msg instanceof MalformedDatagram bad) {
      transport.onMalformed(bad.error(), bad.sender());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A bug in a handler must not take the socket down with it; log and keep serving.
    LOG.warn("unexpected error on {}: {}", ctx.channel().localAddress(), cause.toString());
  }
}
