package dev.dhtbeacon.krpc;

import dev.dhtbeacon.routing.NodeId;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's KRPC endpoint: a UDP socket on a shared event loop, with the pipeline
 * rate limit → decoder → handler inbound and encoder → {@link EgressGuard} outbound.
 *
 * <p>{@link #query} may be called from any thread; everything else runs on {@link #eventLoop()}.
 * Query futures complete on the event loop with a {@link Reply} (an error reply is a normal
 * result) or exceptionally with {@link QueryTimeoutException}, {@link EgressRefusedException}
 * or a closed-channel error.
 */
public final class KrpcTransport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KrpcTransport.class);
  /** Datagrams up to 64 KiB are accepted (some peers send 3 KB replies). */
  private static final int RECEIVE_BUFFER = 65_536;
  /** Kernel receive buffer per socket: a limit, only used while datagrams wait. */
  private static final int SOCKET_RECEIVE_BUFFER = 1 << 20;

  /** Receives the queries that reach this node. Must not throw and must not block. */
  @FunctionalInterface
  public interface QueryHandler {
    void onQuery(Query query, InetSocketAddress from);
  }

  /**
   * Transport settings.
   *
   * @param perIpRate inbound datagrams per second allowed from one IP
   * @param perIpBurst inbound burst allowed from one IP
   * @param maxPending queries in flight before new ones are refused
   * @param version our client version, sent as {@code v}
   * @param latency delay added to every datagram sent (benchmarks only), or null
   */
  public record Settings(NetworkMode mode, double perIpRate, double perIpBurst, int maxPending,
      String version, LatencyModel latency) {
    /** Our client version: "DB" and a two-byte release number, like other clients. */
    public static final String VERSION = "DB\u0000\u0001";

    public Settings(NetworkMode mode, double perIpRate, double perIpBurst, int maxPending,
        String version) {
      this(mode, perIpRate, perIpBurst, maxPending, version, null);
    }

    public static Settings defaults(NetworkMode mode) {
      return new Settings(mode, 50, 200, 8_192, VERSION);
    }

    /** These settings with a send delay drawn from {@code latency}. */
    public Settings withLatency(LatencyModel latency) {
      return new Settings(mode, perIpRate, perIpBurst, maxPending, version, latency);
    }
  }

  private final Channel channel;
  private final Settings settings;
  private final TransportCounters counters;
  private final PendingQueries pending;
  private final QueryHandler handler;
  private volatile NodeId localId;
  private volatile boolean readOnly;
  /** The method of the query being answered right now (loop-confined), for reply counters. */
  private String answering;

  private KrpcTransport(Channel channel, Settings settings, TransportCounters counters,
      NodeId localId, QueryHandler handler) {
    this.channel = channel;
    this.settings = settings;
    this.counters = counters;
    this.localId = localId;
    this.handler = handler;
    this.pending = new PendingQueries(channel.eventLoop(), counters, settings.maxPending());
  }

  /**
   * Binds a transport to {@code local} on one of {@code group}'s event loops.
   *
   * @return completes when the socket is bound, or exceptionally if binding failed
   */
  public static CompletableFuture<KrpcTransport> bind(EventLoopGroup group,
      InetSocketAddress local, Settings settings, NodeId localId, QueryHandler handler) {
    TransportCounters counters = new TransportCounters();
    KrpcCodec codec = new KrpcCodec();
    EgressGuard guard = new EgressGuard(settings.mode(), counters);
    KrpcTransport[] self = new KrpcTransport[1];
    CompletableFuture<KrpcTransport> result = new CompletableFuture<>();
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(EventLoops.datagramChannel(group))
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER))
        // Replies to a burst of queries (a lookup, a put fan-out, a crawl) arrive together; the
        // default socket buffer drops them once a few hundred are queued.
        .option(ChannelOption.SO_RCVBUF, SOCKET_RECEIVE_BUFFER)
        .handler(new ChannelInitializer<DatagramChannel>() {
          @Override
          protected void initChannel(DatagramChannel ch) {
            KrpcTransport t = new KrpcTransport(ch, settings, counters, localId, handler);
            self[0] = t;
            ch.pipeline().addLast("egress-guard", guard);
            if (settings.latency() != null) {
              ch.pipeline().addLast("latency", new DelayedSend(settings.latency()));
            }
            ch.pipeline()
                .addLast("rate-limit", new InboundRateLimit(
                    new IpRateLimiter(settings.perIpRate(), settings.perIpBurst(), 4_096),
                    counters, System::nanoTime))
                .addLast("decoder", new KrpcDecoder(codec, counters))
                .addLast("encoder", new KrpcEncoder(codec, counters))
                .addLast("handler", new KrpcInboundHandler(t));
          }
        });
    ChannelFuture bound = bootstrap.bind(local);
    bound.addListener(f -> {
      if (f.isSuccess()) {
        result.complete(self[0]);
      } else {
        result.completeExceptionally(new IOException("cannot bind UDP " + local + ": "
            + f.cause().getMessage(), f.cause()));
      }
    });
    return result;
  }

  /**
   * Sends a query and returns its reply.
   *
   * @param timeoutMillis how long to wait for the reply before failing with a timeout
   */
  public CompletableFuture<Reply> query(InetSocketAddress to, QueryArgs args, long timeoutMillis) {
    CompletableFuture<Reply> future = new CompletableFuture<>();
    if (eventLoop().inEventLoop()) {
      send(to, args, timeoutMillis, future);
    } else {
      eventLoop().execute(() -> send(to, args, timeoutMillis, future));
    }
    return future;
  }

  private void send(InetSocketAddress to, QueryArgs args, long timeoutMillis,
      CompletableFuture<Reply> future) {
    if (!channel.isActive()) {
      future.completeExceptionally(new ClosedChannelException());
      return;
    }
    TransactionId tid = pending.register(to, args.method(), future, timeoutMillis);
    if (tid == null) {
      future.completeExceptionally(new IOException("too many queries in flight ("
          + settings.maxPending() + ")"));
      return;
    }
    Query query = new Query(tid, localId, readOnly, settings.version(), args);
    channel.writeAndFlush(new Outbound(query, to)).addListener(f -> {
      if (f.isSuccess()) {
        counters.queriesSent.increment();
        counters.byMethod.packet(PacketCounters.Direction.OUT, PacketCounters.Type.QUERY,
            args.method());
      } else {
        counters.sendFailures.increment();
        pending.fail(tid, f.cause());
      }
    });
  }

  /** Answers {@code query} from {@code to}; adds our version and, for responses, BEP 42 ip. */
  public void reply(Reply reply, InetSocketAddress to) {
    Reply addressed = reply instanceof Response r ? r.addressedTo(to, settings.version())
        : withVersion((ErrorReply) reply);
    // Replies are sent while the query is handled; anything else counts as method "other".
    String method = eventLoop().inEventLoop() ? answering : null;
    channel.writeAndFlush(new Outbound(addressed, to)).addListener(f -> {
      if (!f.isSuccess()) {
        counters.sendFailures.increment();
      } else if (addressed instanceof ErrorReply e) {
        counters.errorsSent.increment();
        counters.byMethod.packet(PacketCounters.Direction.OUT, PacketCounters.Type.ERROR,
            method);
        counters.byMethod.error(PacketCounters.Direction.OUT, e.code());
      } else {
        counters.repliesSent.increment();
        counters.byMethod.packet(PacketCounters.Direction.OUT, PacketCounters.Type.RESPONSE,
            method);
      }
    });
  }

  private ErrorReply withVersion(ErrorReply e) {
    return new ErrorReply(e.tid(), e.code(), e.message(), settings.version());
  }

  void onInbound(KrpcMessage message, InetSocketAddress from) {
    if (message instanceof Query q) {
      counters.queriesReceived.increment();
      counters.byMethod.packet(PacketCounters.Direction.IN, PacketCounters.Type.QUERY,
          q.method());
      answering = q.method();
      try {
        handler.onQuery(q, from);
      } catch (RuntimeException e) {
        LOG.warn("query handler failed on {} from {}: {}", q.method(), from, e.toString());
        reply(new ErrorReply(q.tid(), ErrorReply.SERVER, "server error", null), from);
      } finally {
        answering = null;
      }
      return;
    }
    if (message instanceof ErrorReply e) {
      counters.errorsReceived.increment();
      counters.byMethod.error(PacketCounters.Direction.IN, e.code());
    } else {
      counters.responsesReceived.increment();
    }
    if (!pending.complete((Reply) message, from)) {
      // Counted by method when matched (only the pending query knows its method).
      counters.unknownTransaction.increment();
      counters.byMethod.packet(PacketCounters.Direction.IN, message instanceof ErrorReply
          ? PacketCounters.Type.ERROR : PacketCounters.Type.RESPONSE, null);
    }
  }

  void onMalformed(MalformedMessageException error, InetSocketAddress from) {
    if (error.query() && error.tid() != null) {
      reply(new ErrorReply(error.tid(), ErrorReply.PROTOCOL, error.getMessage(), null), from);
    }
  }

  /** The event loop that owns this transport and its node. */
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  public TransportCounters counters() {
    return counters;
  }

  public Settings settings() {
    return settings;
  }

  /** Queries awaiting a reply; call on the event loop. */
  public int pendingCount() {
    return pending.size();
  }

  public NodeId localId() {
    return localId;
  }

  /** Changes the id sent in queries (after BEP 42 re-keying, for instance). */
  public void localId(NodeId id) {
    this.localId = id;
  }

  /** BEP 43: mark our queries read-only. */
  public void readOnly(boolean readOnly) {
    this.readOnly = readOnly;
  }

  public boolean isOpen() {
    return channel.isOpen();
  }

  /** Closes the socket and fails pending queries. Returns when the socket is closed. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    if (eventLoop().inEventLoop()) {
      pending.failAll(new ClosedChannelException());
    } else {
      eventLoop().submit(() -> pending.failAll(new ClosedChannelException()))
          .syncUninterruptibly();
    }
  }
}
