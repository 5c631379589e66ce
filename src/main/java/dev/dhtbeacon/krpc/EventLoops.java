package dev.dhtbeacon.krpc;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Creates the event-loop group many nodes share: native epoll when available, else NIO. */
public final class EventLoops {
  private EventLoops() {
  }

  /** A group of {@code threads} daemon event loops. */
  public static EventLoopGroup newGroup(int threads) {
    DefaultThreadFactory factory = new DefaultThreadFactory("dht-loop", true);
    return Epoll.isAvailable()
        ? new EpollEventLoopGroup(threads, factory)
        : new NioEventLoopGroup(threads, factory);
  }

  /** The datagram channel class matching {@code group}. */
  public static Class<? extends DatagramChannel> datagramChannel(EventLoopGroup group) {
    return group instanceof EpollEventLoopGroup
        ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }
}
