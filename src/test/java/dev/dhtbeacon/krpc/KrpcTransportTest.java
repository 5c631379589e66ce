package dev.dhtbeacon.krpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BInteger;
import dev.dhtbeacon.bencode.BList;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The KRPC transport against a scripted peer: a raw {@link DatagramSocket} on loopback that
 * reads and writes bencode with {@link KrpcCodec}. Addresses: 127.0.21.x.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KrpcTransportTest {
  private static final KrpcCodec CODEC = new KrpcCodec();
  private static EventLoopGroup group;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final AtomicReference<KrpcTransport> self = new AtomicReference<>();
  private KrpcTransport transport;
  private RawPeer peer;

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
    // The transport answers pings like a node would; other queries get no answer.
    transport = KrpcTransport.bind(group, new InetSocketAddress(ip(127, 0, 21, 1), 0),
        KrpcTransport.Settings.defaults(NetworkMode.LOOPBACK), NodeId.random(), (q, from) -> {
          if (q.args() instanceof QueryArgs.Ping) {
            self.get().reply(Response.plain(q.tid(), self.get().localId()), from);
          }
        }).get(5, TimeUnit.SECONDS);
    self.set(transport);
    peer = peer(ip(127, 0, 21, 2));
  }

  @AfterEach
  void close() throws Exception {
    if (transport != null) {
      transport.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void queryAndResponseRoundTrip() throws Exception {
    CompletableFuture<Reply> future = transport.query(peer.address(), new QueryArgs.Ping(),
        5_000);
    Received q = peer.receive(3_000);
    Query query = assertInstanceOf(Query.class, CODEC.decode(q.bytes()));
    assertEquals("ping", query.method());
    assertEquals(transport.localId(), query.sender());
    assertEquals(transport.localAddress(), q.from());

    NodeId peerId = NodeId.random();
    peer.send(Response.plain(query.tid(), peerId), q.from());
    Response r = assertInstanceOf(Response.class, future.get(5, TimeUnit.SECONDS));
    assertEquals(peerId, r.sender());
    assertEquals(query.tid(), r.tid());
    assertEquals(1, transport.counters().responsesReceived.sum());
    assertEquals(0, transport.counters().unknownTransaction.sum());
  }

  @Test
  void ourQueriesCarryTheClientVersion() throws Exception {
    transport.query(peer.address(), new QueryArgs.FindNode(NodeId.random(), Want.V4), 5_000);
    BDictionary raw = peer.receive(3_000).dictionary();
    assertArrayEquals(KrpcTransport.Settings.VERSION.getBytes(StandardCharsets.ISO_8859_1),
        raw.bytes("v"));
    assertEquals("q", raw.text("y"));
    assertEquals("find_node", raw.text("q"));
    assertEquals(4, raw.bytes("t").length);
  }

  @Test
  void responsesCarryBep42IpOfTheQuerierAndOurVersion() throws Exception {
    peer.send(new Query(TransactionId.of(new byte[] {'a', 'b'}), NodeId.random(), false, "LT01",
        new QueryArgs.Ping()), transport.localAddress());
    Received got = peer.receive(3_000);
    BDictionary raw = got.dictionary();
    assertEquals("r", raw.text("y"));
    assertArrayEquals(new byte[] {'a', 'b'}, raw.bytes("t"));
    assertArrayEquals(Endpoints.compact(peer.address()), raw.bytes("ip"));
    assertArrayEquals(KrpcTransport.Settings.VERSION.getBytes(StandardCharsets.ISO_8859_1),
        raw.bytes("v"));
    Response r = assertInstanceOf(Response.class, CODEC.decode(got.bytes()));
    assertEquals(peer.address(), r.requesterIp());
    assertEquals(transport.localId(), r.sender());
  }

  @Test
  void aReplyWithAnUnknownTidIsDroppedAndTheQueryTimesOut() throws Exception {
    CompletableFuture<Reply> future = transport.query(peer.address(), new QueryArgs.Ping(),
        1_500);
    Received q = peer.receive(3_000);
    Query query = (Query) CODEC.decode(q.bytes());
    int ours = (int) query.tid().asOurs();
    peer.send(Response.plain(TransactionId.ofInt(ours + 1), NodeId.random()), q.from());
    peer.send(Response.plain(TransactionId.of(new byte[] {1, 2}), NodeId.random()), q.from());
    peer.send(new ErrorReply(TransactionId.ofInt(ours ^ 0x8000_0000), 201, "x", null), q.from());
    awaitAtLeast(transport.counters().unknownTransaction::sum, 3, 3_000);
    assertFalse(future.isDone(), "a reply with another tid completed the query");
    // Dropped silently: nothing comes back to the sender of the stray replies.
    peer.expectSilence(200);

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> future.get(5, TimeUnit.SECONDS));
    assertInstanceOf(QueryTimeoutException.class, e.getCause());
    assertEquals(1, transport.counters().timeouts.sum());
  }

  @Test
  void aReplyWithTheRightTidFromAnotherAddressIsNotAccepted() throws Exception {
    RawPeer otherIp = peer(ip(127, 0, 21, 3));
    RawPeer otherPort = peer(ip(127, 0, 21, 2));
    CompletableFuture<Reply> future = transport.query(peer.address(), new QueryArgs.Ping(),
        5_000);
    Received q = peer.receive(3_000);
    Query query = (Query) CODEC.decode(q.bytes());

    otherIp.send(Response.plain(query.tid(), NodeId.random()), q.from());
    otherPort.send(Response.plain(query.tid(), NodeId.random()), q.from());
    awaitAtLeast(transport.counters().unknownTransaction::sum, 2, 3_000);
    assertFalse(future.isDone(), "a spoofed reply completed the query");

    NodeId real = NodeId.random();
    peer.send(Response.plain(query.tid(), real), q.from());
    Response r = assertInstanceOf(Response.class, future.get(5, TimeUnit.SECONDS));
    assertEquals(real, r.sender());
  }

  @Test
  void anErrorReplyCompletesTheQueryNormally() throws Exception {
    CompletableFuture<Reply> future = transport.query(peer.address(),
        new QueryArgs.GetPeers(NodeId.random(), Want.UNSPECIFIED), 5_000);
    Received q = peer.receive(3_000);
    Query query = (Query) CODEC.decode(q.bytes());
    peer.send(new ErrorReply(query.tid(), ErrorReply.GENERIC, "go away", "UT01"), q.from());
    ErrorReply e = assertInstanceOf(ErrorReply.class, future.get(5, TimeUnit.SECONDS));
    assertEquals(201, e.code());
    assertEquals("go away", e.message());
    assertEquals("UT01", e.version());
    assertEquals(1, transport.counters().errorsReceived.sum());
  }

  @Test
  void aMalformedQueryGetsError203WithTheSameTid() throws Exception {
    byte[] tid = {'z', 'q'};
    // y=q and t set, but a has no id.
    peer.sendRaw(BEncoder.encode(BDictionary.builder().put("t", tid).put("y", "q")
        .put("q", "ping").put("a", BDictionary.builder().build()).build()),
        transport.localAddress());
    assertError203(peer.receive(3_000).dictionary(), tid);

    // An id of 19 bytes, and a find_node without target: both protocol errors.
    byte[] tid2 = {9};
    peer.sendRaw(BEncoder.encode(BDictionary.builder().put("t", tid2).put("y", "q")
        .put("q", "ping").put("a", BDictionary.builder().put("id", new byte[19]).build())
        .build()), transport.localAddress());
    assertError203(peer.receive(3_000).dictionary(), tid2);
    byte[] tid3 = {1, 2, 3, 4, 5, 6};
    peer.sendRaw(BEncoder.encode(BDictionary.builder().put("t", tid3).put("y", "q")
        .put("q", "find_node").put("a", BDictionary.builder().put("id", new byte[20]).build())
        .build()), transport.localAddress());
    assertError203(peer.receive(3_000).dictionary(), tid3);
    assertEquals(3, transport.counters().malformed.sum());
  }

  private static void assertError203(BDictionary raw, byte[] tid) {
    assertEquals("e", raw.text("y"));
    assertArrayEquals(tid, raw.bytes("t"));
    BList e = raw.list("e");
    assertNotNull(e);
    assertEquals(new BInteger(203), e.items().get(0));
  }

  @Test
  void garbageGetsNoAnswer() throws Exception {
    Random random = new Random(21);
    List<byte[]> garbage = new ArrayList<>();
    garbage.add("hello".getBytes(StandardCharsets.US_ASCII));
    garbage.add(new byte[] {0});
    garbage.add("d1:y1:qe".getBytes(StandardCharsets.US_ASCII)); // a query without t
    garbage.add("d1:q4:ping1:y1:qe".getBytes(StandardCharsets.US_ASCII)); // still no t
    garbage.add("d1:t2:aa1:y1:re".getBytes(StandardCharsets.US_ASCII)); // response without r
    garbage.add("d1:t2:aa1:y1:xe".getBytes(StandardCharsets.US_ASCII)); // unknown y
    garbage.add("le".getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < 20; i++) {
      byte[] b = new byte[1 + random.nextInt(300)];
      random.nextBytes(b);
      b[0] = 'x'; // never a valid bencode start
      garbage.add(b);
    }
    for (byte[] g : garbage) {
      peer.sendRaw(g, transport.localAddress());
    }
    awaitAtLeast(transport.counters().malformed::sum, garbage.size(), 3_000);
    peer.expectSilence(300);
    assertTrue(transport.isOpen());
    assertEquals(0, transport.counters().errorsSent.sum());
  }

  @Test
  void aLargeValidDatagramIsReceivedIntact() throws Exception {
    for (int size : new int[] {60_000, 65_507}) {
      CompletableFuture<Reply> future = transport.query(peer.address(),
          new QueryArgs.Get(NodeId.random(), null, Want.UNSPECIFIED), 5_000);
      Received q = peer.receive(3_000);
      Query query = (Query) CODEC.decode(q.bytes());
      NodeId peerId = NodeId.random();
      byte[] value = new byte[valueLengthFor(size, query.tid(), peerId)];
      new Random(size).nextBytes(value);
      byte[] datagram = CODEC.encode(Response.builder(query.tid(), peerId)
          .item(BString.of(value), null, null, null).build());
      assertEquals(size, datagram.length);
      peer.sendRaw(datagram, q.from());
      Response r = assertInstanceOf(Response.class, future.get(5, TimeUnit.SECONDS));
      assertArrayEquals(value, ((BString) r.v()).bytes(), "payload of " + size + " bytes");
      assertEquals(peerId, r.sender());
    }
  }

  /** The length of {@code v} that makes the encoded response exactly {@code size} bytes. */
  private static int valueLengthFor(int size, TransactionId tid, NodeId peerId) {
    // An empty v is "0:"; a v of n bytes is digits(n) + ":" + n bytes.
    int empty = CODEC.encode(Response.builder(tid, peerId).item(BString.of(new byte[0]), null,
        null, null).build()).length;
    int n = size - empty;
    while (empty - 1 + String.valueOf(n).length() + n > size) {
      n--;
    }
    return n;
  }

  @Test
  void transactionIdsAreDistinctAndNotSequential() throws Exception {
    int queries = 600;  // tids are drawn 256 at a time: this spans three draws
    // Sent in rounds, each drained before the next: 600 at once can overflow the raw peer's
    // socket buffer on a busy machine, and a dropped datagram is not what this test is about.
    int round = 50;
    Set<TransactionId> tids = new HashSet<>();
    List<Long> values = new ArrayList<>();
    for (int sent = 0; sent < queries; sent += round) {
      for (int i = 0; i < round; i++) {
        transport.query(peer.address(), new QueryArgs.Ping(), 30_000);
      }
      for (int i = 0; i < round; i++) {
        Query q = (Query) CODEC.decode(peer.receive(3_000).bytes());
        assertEquals(4, q.tid().bytes().length);
        tids.add(q.tid());
        values.add(q.tid().asOurs());
      }
    }
    assertEquals(queries, tids.size());
    int sequential = 0;
    for (int i = 1; i < values.size(); i++) {
      long d = Math.abs(values.get(i) - values.get(i - 1));
      if (d < 1_000) {
        sequential++;
      }
    }
    assertTrue(sequential <= 1, sequential + " consecutive tids were close together: "
        + values);
    assertEquals(queries, transport.eventLoop().submit(transport::pendingCount)
        .get(5, TimeUnit.SECONDS));
    // A second transport does not start from the same sequence.
    KrpcTransport other = KrpcTransport.bind(group, new InetSocketAddress(ip(127, 0, 21, 4), 0),
        KrpcTransport.Settings.defaults(NetworkMode.LOOPBACK), NodeId.random(), (q, f) -> { })
        .get(5, TimeUnit.SECONDS);
    try {
      other.query(peer.address(), new QueryArgs.Ping(), 1_000);
      Query first = (Query) CODEC.decode(peer.receive(3_000).bytes());
      assertFalse(tids.contains(first.tid()));
    } finally {
      other.close();
    }
  }

  @Test
  void closingTheTransportFailsPendingQueries() throws Exception {
    CompletableFuture<Reply> a = transport.query(peer.address(), new QueryArgs.Ping(), 30_000);
    CompletableFuture<Reply> b = transport.query(peer.address(),
        new QueryArgs.FindNode(NodeId.random(), Want.UNSPECIFIED), 30_000);
    peer.receive(3_000);
    peer.receive(3_000);
    transport.close();
    assertFalse(transport.isOpen());
    for (CompletableFuture<Reply> f : List.of(a, b)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> f.get(2, TimeUnit.SECONDS));
      assertInstanceOf(ClosedChannelException.class, e.getCause());
    }
    // And a query after close fails at once instead of hanging.
    CompletableFuture<Reply> late = transport.query(peer.address(), new QueryArgs.Ping(), 30_000);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> late.get(2, TimeUnit.SECONDS));
    assertInstanceOf(ClosedChannelException.class, e.getCause());
    transport = null;
  }

  // ---- the scripted peer

  private RawPeer peer(InetAddress ip) throws Exception {
    RawPeer p = new RawPeer(ip);
    closeables.add(p);
    return p;
  }

  record Received(byte[] bytes, InetSocketAddress from) {
    BDictionary dictionary() throws Exception {
      return new BDecoder().decodeDictionary(bytes);
    }
  }

  /** A raw UDP socket that speaks KRPC through the codec: the "other peer" of these tests. */
  static final class RawPeer implements AutoCloseable {
    private final DatagramSocket socket;

    RawPeer(InetAddress ip) throws Exception {
      socket = new DatagramSocket(new InetSocketAddress(ip, 0));
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void send(KrpcMessage m, InetSocketAddress to) throws Exception {
      sendRaw(CODEC.encode(m), to);
    }

    void sendRaw(byte[] bytes, InetSocketAddress to) throws Exception {
      assertTrue(to.getAddress().isLoopbackAddress(), "test sends to loopback only: " + to);
      socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    Received receive(int timeoutMillis) throws Exception {
      socket.setSoTimeout(timeoutMillis);
      DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
      socket.receive(p);
      return new Received(Arrays.copyOf(p.getData(), p.getLength()),
          (InetSocketAddress) p.getSocketAddress());
    }

    void expectSilence(int millis) throws Exception {
      socket.setSoTimeout(millis);
      DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException expected) {
        return;
      }
      throw new AssertionError("unexpected datagram of " + p.getLength() + " bytes");
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  static void awaitAtLeast(LongSupplier value, long expected, long millis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (value.getAsLong() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(value.getAsLong() >= expected, "expected at least " + expected + ", got "
        + value.getAsLong());
  }

  static InetAddress ip(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (java.net.UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }
}
