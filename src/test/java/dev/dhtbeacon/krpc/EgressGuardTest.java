package dev.dhtbeacon.krpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.routing.NodeId;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loopback egress guard holds: datagrams to addresses outside 127/8 and ::1 never reach the
 * socket. The only non-loopback destinations used are the documentation ranges (RFC 5737), and
 * the guard refuses them before the socket; mainline mode is only checked as a pure function.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EgressGuardTest {
  private static final InetSocketAddress TEST_NET_1 = doc(192, 0, 2, 1);
  private static final InetSocketAddress TEST_NET_2 = doc(198, 51, 100, 1);
  private static final InetSocketAddress TEST_NET_3 = doc(203, 0, 113, 1);

  private static EventLoopGroup group;
  private KrpcTransport transport;

  @BeforeAll
  static void startGroup() {
    group = EventLoops.newGroup(1);
  }

  @AfterAll
  static void stopGroup() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @BeforeEach
  void bind() throws Exception {
    transport = KrpcTransport.bind(group, new InetSocketAddress(ip(127, 0, 20, 1), 0),
        KrpcTransport.Settings.defaults(NetworkMode.LOOPBACK), NodeId.random(), (q, from) -> { })
        .get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    if (transport != null) {
      transport.close();
    }
  }

  @Test
  void queriesToDocumentationAddressesAreRefusedAndCounted() throws Exception {
    List<InetSocketAddress> refused = List.of(TEST_NET_1, TEST_NET_3, TEST_NET_2);
    for (int i = 0; i < refused.size(); i++) {
      var future = transport.query(refused.get(i), new QueryArgs.Ping(), 2_000);
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> future.get(5, TimeUnit.SECONDS));
      assertInstanceOf(EgressRefusedException.class, e.getCause(), e.toString());
      assertEquals(i + 1, transport.counters().egressRefused.sum());
    }
    // A refused query leaves nothing pending and nothing was ever sent.
    assertEquals(0, transport.eventLoop().submit(transport::pendingCount)
        .get(5, TimeUnit.SECONDS));
    assertEquals(3, transport.counters().sendFailures.sum());
  }

  @Test
  void repliesToDocumentationAddressesAreRefused() throws Exception {
    NodeId us = transport.localId();
    transport.eventLoop().submit(() -> {
      transport.reply(Response.plain(TransactionId.ofInt(7), us), TEST_NET_1);
      transport.reply(new ErrorReply(TransactionId.ofInt(8), ErrorReply.GENERIC, "x", null),
          TEST_NET_2);
      transport.reply(Response.plain(TransactionId.ofInt(9), us), TEST_NET_3);
    }).get(5, TimeUnit.SECONDS);
    awaitAtLeast(transport.counters().egressRefused::sum, 3, 5_000);
    assertEquals(3, transport.counters().egressRefused.sum());
    assertEquals(3, transport.counters().sendFailures.sum());
  }

  @Test
  void loopbackModeRefusesBeforeTheSocketButLoopbackStillWorks() throws Exception {
    // A raw peer on loopback receives our query: the guard does not block loopback.
    try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(ip(127, 0, 20, 2), 0))) {
      peer.setSoTimeout(3_000);
      var to = (InetSocketAddress) peer.getLocalSocketAddress();
      transport.query(TEST_NET_1, new QueryArgs.Ping(), 1_000);
      transport.query(to, new QueryArgs.Ping(), 1_000);
      DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
      peer.receive(p);
      assertTrue(p.getLength() > 0);
      peer.setSoTimeout(300);
      assertThrows(SocketTimeoutException.class, () -> peer.receive(p),
          "only one datagram should have reached loopback");
      awaitAtLeast(transport.counters().egressRefused::sum, 1, 5_000);
    }
  }

  @Test
  void permitsLoopbackOnlyInLoopbackMode() throws Exception {
    for (NetworkMode mode : NetworkMode.values()) {
      assertTrue(EgressGuard.permits(mode, new InetSocketAddress(ip(127, 0, 0, 1), 6881)));
      assertTrue(EgressGuard.permits(mode, new InetSocketAddress(ip(127, 0, 20, 9), 1)));
      assertTrue(EgressGuard.permits(mode, new InetSocketAddress(ip(127, 255, 255, 254), 65535)));
      assertTrue(EgressGuard.permits(mode,
          new InetSocketAddress(InetAddress.getByAddress(v6Loopback()), 6881)));
    }
    assertFalse(EgressGuard.permits(NetworkMode.LOOPBACK, TEST_NET_1));
    assertFalse(EgressGuard.permits(NetworkMode.LOOPBACK, TEST_NET_2));
    assertFalse(EgressGuard.permits(NetworkMode.LOOPBACK, TEST_NET_3));
    // Pure function only: nothing is ever sent in mainline mode by this test.
    assertTrue(EgressGuard.permits(NetworkMode.MAINLINE, TEST_NET_3));
  }

  @Test
  void refusesPortZeroWildcardMulticastAndUnresolvedInEveryMode() throws Exception {
    byte[] v6Wildcard = new byte[16];
    byte[] v6Multicast = new byte[16];
    v6Multicast[0] = (byte) 0xff;
    v6Multicast[1] = 0x02;
    v6Multicast[15] = 1;
    List<InetSocketAddress> refused = List.of(
        new InetSocketAddress(ip(127, 0, 0, 1), 0),
        new InetSocketAddress(ip(0, 0, 0, 0), 6881),
        new InetSocketAddress(InetAddress.getByAddress(v6Wildcard), 6881),
        new InetSocketAddress(ip(224, 0, 0, 1), 6881),
        new InetSocketAddress(ip(239, 192, 152, 143), 6771),
        new InetSocketAddress(InetAddress.getByAddress(v6Multicast), 6881),
        InetSocketAddress.createUnresolved("localhost", 6881));
    for (NetworkMode mode : NetworkMode.values()) {
      assertFalse(EgressGuard.permits(mode, null), mode + " null");
      for (InetSocketAddress a : refused) {
        assertFalse(EgressGuard.permits(mode, a), mode + " " + a);
      }
    }
  }

  @Test
  void queriesToForbiddenLoopbackFormsAreRefusedToo() throws Exception {
    var portZero = transport.query(new InetSocketAddress(ip(127, 0, 20, 3), 0),
        new QueryArgs.Ping(), 1_000);
    var wildcard = transport.query(new InetSocketAddress(ip(0, 0, 0, 0), 20_020),
        new QueryArgs.Ping(), 1_000);
    for (var f : List.of(portZero, wildcard)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> f.get(5, TimeUnit.SECONDS));
      assertInstanceOf(EgressRefusedException.class, e.getCause());
    }
    assertEquals(2, transport.counters().egressRefused.sum());
  }

  @Test
  void nodeBootstrappingFromADocumentationAddressNeverSendsThereAndStaysUp() throws Exception {
    // The "router" is a raw socket on loopback: if loopback mode ever resolved router names,
    // localhost would resolve to 127.0.0.1 and this socket would receive a find_node.
    try (DatagramSocket router = new DatagramSocket(new InetSocketAddress(ip(127, 0, 0, 1), 0));
        DatagramSocket pinger = new DatagramSocket(new InetSocketAddress(ip(127, 0, 20, 5), 0))) {
      DhtNode node = DhtNode.builder()
          .network(NetworkMode.LOOPBACK)
          .bind(new InetSocketAddress(ip(127, 0, 20, 4), 0))
          .bootstrap(List.of(TEST_NET_1))
          .routers(List.of("localhost:" + router.getLocalPort()))
          .eventLoopGroup(group)
          .build();
      try {
        node.start().get(10, TimeUnit.SECONDS);
        TransportCounters counters = node.transport().counters();
        awaitAtLeast(counters.egressRefused::sum, 1, 5_000);
        assertTrue(node.transport().isOpen());
        assertEquals(0, node.status().get(5, TimeUnit.SECONDS).routingV4());

        // Still up: it answers a ping from loopback.
        KrpcCodec codec = new KrpcCodec();
        byte[] ping = codec.encode(new Query(TransactionId.ofInt(42), NodeId.random(), false,
            null, new QueryArgs.Ping()));
        pinger.setSoTimeout(2_000);
        pinger.send(new DatagramPacket(ping, ping.length, node.address()));
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        pinger.receive(p);
        KrpcMessage m = codec.decode(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        assertInstanceOf(Response.class, m);
        assertEquals(node.id(), ((Response) m).sender());

        router.setSoTimeout(300);
        DatagramPacket none = new DatagramPacket(new byte[2048], 2048);
        assertThrows(SocketTimeoutException.class, () -> router.receive(none),
            "a router name was resolved in loopback mode");
      } finally {
        node.close();
      }
      assertFalse(node.transport().isOpen());
    }
  }

  // ---- helpers

  static void awaitAtLeast(java.util.function.LongSupplier value, long expected, long millis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (value.getAsLong() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(value.getAsLong() >= expected, "expected at least " + expected + ", got "
        + value.getAsLong());
  }

  private static byte[] v6Loopback() {
    byte[] b = new byte[16];
    b[15] = 1;
    return b;
  }

  private static InetSocketAddress doc(int a, int b, int c, int d) {
    return new InetSocketAddress(ip(a, b, c, d), 6881);
  }

  static InetAddress ip(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }
}
