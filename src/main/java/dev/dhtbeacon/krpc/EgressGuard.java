package dev.dhtbeacon.krpc;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last outbound handler before the socket: every datagram passes here, so a destination
 * the network mode forbids never reaches the wire, whoever asked for the send.
 *
 * <p>In {@link NetworkMode#LOOPBACK} only 127.0.0.0/8 and ::1 pass. In every mode unresolved
 * addresses, port 0, wildcard and multicast destinations are refused. A refusal fails the
 * write's promise with {@link EgressRefusedException}, is counted, and is logged once per node.
 */
@ChannelHandler.Sharable
public final class EgressGuard extends ChannelOutboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(EgressGuard.class);

  private final NetworkMode mode;
  private final TransportCounters counters;
  private final AtomicBoolean logged = new AtomicBoolean();

  public EgressGuard(NetworkMode mode, TransportCounters counters) {
    this.mode = mode;
    this.counters = counters;
  }

  /** Whether {@code mode} allows a datagram to {@code destination}. */
  public static boolean permits(NetworkMode mode, InetSocketAddress destination) {
    if (destination == null || destination.isUnresolved() || destination.getPort() == 0) {
      return false;
    }
    InetAddress ip = destination.getAddress();
    if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
      return false;
    }
    return mode != NetworkMode.LOOPBACK || ip.isLoopbackAddress();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof DatagramPacket packet && !permits(mode, packet.recipient())) {
      InetSocketAddress to = packet.recipient();
      ReferenceCountUtil.release(msg);
      counters.egressRefused.increment();
      if (logged.compareAndSet(false, true)) {
        LOG.warn("egress guard: refused to send to {} in {} mode (further refusals are only "
            + "counted)", to, mode);
      }
      promise.setFailure(new EgressRefusedException(to, mode));
      return;
    }
    if (msg instanceof DatagramPacket packet) {
      counters.bytesSent.add(packet.content().readableBytes());
    }
    ctx.write(msg, promise);
  }
}
