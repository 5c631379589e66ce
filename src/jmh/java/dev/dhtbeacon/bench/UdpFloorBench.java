package dev.dhtbeacon.bench;

import dev.dhtbeacon.krpc.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor under every packets-per-core figure on this machine (a benchmark, not a test): a
 * bare Netty UDP client on its own event loop that keeps {@code WINDOW} datagrams of KRPC size
 * in flight to an echo server on another loop, and does nothing else with them. Prints the
 * client's packets (sent + received) per second of its event loop's CPU time, which includes
 * the kernel's share of the socket calls. No crawler can do more per core here.
 *
 * <pre>
 * java -cp "$CP" dev.dhtbeacon.bench.UdpFloorBench PACKETS WINDOW
 * </pre>
 */
public final class UdpFloorBench {
  private static final int PAYLOAD = 300;

  private UdpFloorBench() {
  }

  public static void main(String[] args) throws Exception {
    int packets = Integer.parseInt(args[0]);
    int window = Integer.parseInt(args[1]);
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    EventLoopGroup serverLoop = EventLoops.newGroup(1);
    EventLoopGroup clientLoop = EventLoops.newGroup(1);
    try {
      Channel server = new Bootstrap().group(serverLoop)
          .channel(EventLoops.datagramChannel(serverLoop))
          .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
              ctx.writeAndFlush(new DatagramPacket(p.content().retain(), p.sender()));
            }
          }).bind(new InetSocketAddress(lo, 0)).sync().channel();
      InetSocketAddress to = (InetSocketAddress) server.localAddress();
      for (int run = 0; run < 3; run++) {
        measure(clientLoop, lo, to, packets, window);
      }
      server.close().sync();
    } finally {
      serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static void measure(EventLoopGroup loop, InetAddress lo, InetSocketAddress to,
      int packets, int window) throws Exception {
    AtomicLong sent = new AtomicLong();
    AtomicLong received = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    Channel client = new Bootstrap().group(loop).channel(EventLoops.datagramChannel(loop))
        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            if (received.incrementAndGet() >= packets) {
              done.countDown();
            } else if (sent.get() < packets) {
              send(ctx.channel(), to, sent);
            }
          }
        }).bind(new InetSocketAddress(lo, 0)).sync().channel();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long tid = loop.submit(() -> Thread.currentThread().getId()).get();
    long cpu0 = mx.getThreadCpuTime(tid);
    long t0 = System.nanoTime();
    client.eventLoop().execute(() -> {
      for (int i = 0; i < window; i++) {
        send(client, to, sent);
      }
    });
    // Datagrams lost in a burst are not resent: the run ends on a time limit instead.
    boolean all = done.await(60, TimeUnit.SECONDS);
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (mx.getThreadCpuTime(tid) - cpu0) / 1e9;
    long total = sent.get() + received.get();
    System.out.printf("udp-floor window=%d complete=%s packets=%d wall_s=%.2f loop_cpu_s=%.2f "
        + "pps_wall=%.0f pps_per_loop_core=%.0f%n", window, all, total, wall, cpu,
        total / wall, total / cpu);
    client.close().sync();
  }

  private static void send(Channel ch, InetSocketAddress to, AtomicLong sent) {
    sent.incrementAndGet();
    ByteBuf b = ch.alloc().directBuffer(PAYLOAD);
    b.writerIndex(PAYLOAD);
    ch.writeAndFlush(new DatagramPacket(b, to));
  }
}
