package dev.dhtbeacon.krpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.routing.NodeId;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-IP inbound rate limits: the token bucket with explicit time, then over real UDP. */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class RateLimitTest {
  private static final long MS = 1_000_000L;
  private static final KrpcCodec CODEC = new KrpcCodec();

  private final InetAddress a = ip(127, 0, 22, 2);
  private final InetAddress b = ip(127, 0, 22, 3);

  @Test
  void burstThenRefill() {
    IpRateLimiter limiter = new IpRateLimiter(10, 20, 4_096);
    long t0 = 1_000_000_000L;
    for (int i = 0; i < 20; i++) {
      assertTrue(limiter.tryAcquire(a, t0), "burst token " + i);
    }
    assertFalse(limiter.tryAcquire(a, t0));
    assertFalse(limiter.tryAcquire(a, t0 + 50 * MS)); // half a token
    assertTrue(limiter.tryAcquire(a, t0 + 100 * MS)); // 10/s: one token per 100 ms
    assertFalse(limiter.tryAcquire(a, t0 + 100 * MS));
    assertFalse(limiter.tryAcquire(a, t0 + 190 * MS));
    assertTrue(limiter.tryAcquire(a, t0 + 200 * MS));

    // A long silence refills to the burst, never beyond it.
    long later = t0 + 60_000 * MS;
    int granted = 0;
    for (int i = 0; i < 100; i++) {
      if (limiter.tryAcquire(a, later)) {
        granted++;
      }
    }
    assertEquals(20, granted);
  }

  @Test
  void twoIpsHaveIndependentBuckets() {
    IpRateLimiter limiter = new IpRateLimiter(10, 20, 4_096);
    long t0 = 5_000 * MS;
    for (int i = 0; i < 20; i++) {
      assertTrue(limiter.tryAcquire(a, t0));
    }
    assertFalse(limiter.tryAcquire(a, t0));
    for (int i = 0; i < 20; i++) {
      assertTrue(limiter.tryAcquire(b, t0), "b's token " + i + " was taken by a");
    }
    assertFalse(limiter.tryAcquire(b, t0));
    assertFalse(limiter.tryAcquire(a, t0 + 1));
  }

  @Test
  void rejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> new IpRateLimiter(0, 20, 64));
    assertThrows(IllegalArgumentException.class, () -> new IpRateLimiter(Double.NaN, 20, 64));
    assertThrows(IllegalArgumentException.class, () -> new IpRateLimiter(10, 0.5, 64));
    assertThrows(IllegalArgumentException.class, () -> new IpRateLimiter(10, 20, 100));
    assertThrows(IllegalArgumentException.class, () -> new IpRateLimiter(10, 20, 0));
  }

  @Test
  void aFloodFromOneIpIsCutToTheBurstWhileAnotherIpIsStillAnswered() throws Exception {
    EventLoopGroup group = EventLoops.newGroup(1);
    AtomicReference<KrpcTransport> self = new AtomicReference<>();
    KrpcTransport transport = null;
    try (DatagramSocket flooder = new DatagramSocket(new InetSocketAddress(a, 0));
        DatagramSocket other = new DatagramSocket(new InetSocketAddress(b, 0))) {
      transport = KrpcTransport.bind(group, new InetSocketAddress(ip(127, 0, 22, 1), 0),
          new KrpcTransport.Settings(NetworkMode.LOOPBACK, 10, 20, 8_192,
              KrpcTransport.Settings.VERSION),
          NodeId.random(), (q, from) -> self.get().reply(
              Response.plain(q.tid(), self.get().localId()), from))
          .get(5, TimeUnit.SECONDS);
      self.set(transport);
      InetSocketAddress to = transport.localAddress();
      TransportCounters counters = transport.counters();

      NodeId flooderId = NodeId.random();
      long start = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        byte[] ping = CODEC.encode(new Query(TransactionId.ofInt(i), flooderId, false, null,
            new QueryArgs.Ping()));
        flooder.send(new DatagramPacket(ping, ping.length, to));
      }
      long sendMillis = (System.nanoTime() - start) / MS;
      Set<TransactionId> answered = drain(flooder, 500, 5_000);
      System.out.println("flood: " + answered.size() + " of 200 answered, sent in "
          + sendMillis + " ms; " + counters);
      // Burst 20, plus 10/s for however long the flood took to arrive.
      assertTrue(answered.size() >= 20 && answered.size() <= 30, answered.size()
          + " of 200 pings answered (sent in " + sendMillis + " ms); " + counters);
      long received = counters.received.sum();
      assertTrue(received >= 150, "the kernel dropped too many: " + counters);
      assertEquals(received - answered.size(), counters.rateLimited.sum(), counters.toString());

      // The other IP has its own bucket.
      byte[] ping = CODEC.encode(new Query(TransactionId.ofInt(7777), NodeId.random(), false,
          null, new QueryArgs.Ping()));
      other.send(new DatagramPacket(ping, ping.length, to));
      Set<TransactionId> otherAnswered = drain(other, 1_000, 1_000);
      assertEquals(Set.of(TransactionId.ofInt(7777)), otherAnswered);
    } finally {
      if (transport != null) {
        transport.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Reads responses until {@code quietMillis} pass without one, at most {@code maxMillis}. */
  private static Set<TransactionId> drain(DatagramSocket socket, int quietMillis, int maxMillis)
      throws Exception {
    Set<TransactionId> tids = new HashSet<>();
    long deadline = System.nanoTime() + maxMillis * MS;
    socket.setSoTimeout(quietMillis);
    DatagramPacket p = new DatagramPacket(new byte[2_048], 2_048);
    while (System.nanoTime() < deadline) {
      try {
        socket.receive(p);
      } catch (SocketTimeoutException quiet) {
        break;
      }
      KrpcMessage m = CODEC.decode(Arrays.copyOf(p.getData(), p.getLength()));
      tids.add(assertInstanceOf(Response.class, m).tid());
    }
    return tids;
  }

  private static InetAddress ip(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (java.net.UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }
}
