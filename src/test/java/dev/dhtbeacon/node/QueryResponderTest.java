package dev.dhtbeacon.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.KrpcTransport;
import dev.dhtbeacon.krpc.Query;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.node.RawQuerier.Exchange;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a node answers, seen from a raw UDP querier: a 16-node loopback testnet on
 * 127.0.23.1–16 (port 20023), queried from raw sockets on 127.0.23.100 and up.
 */
@Timeout(value = 50, unit = TimeUnit.SECONDS)
class QueryResponderTest {
  private static final int INFOHASHES_PER_NODE = 5;
  private static final AtomicInteger NEXT_QUERIER = new AtomicInteger(100);
  private static Testnet net;

  private final List<RawQuerier> queriers = new ArrayList<>();
  private DhtNode node;
  private RawQuerier querier;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(16)
        .withBase(Testnet.loopback(127, 0, 23, 1), 20_023)
        .withCrawlTruth(INFOHASHES_PER_NODE, 0, 0));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @BeforeEach
  void pickNode() throws Exception {
    node = net.nodes().get(3);
    querier = newQuerier();
  }

  @AfterEach
  void closeQueriers() {
    queriers.forEach(RawQuerier::close);
  }

  @Test
  void ping() throws Exception {
    Exchange x = querier.ask(node, new QueryArgs.Ping());
    Response r = x.response();
    assertEquals(node.id(), r.sender());
    assertEquals(querier.address(), r.requesterIp());
    assertArrayEquals(KrpcTransport.Settings.VERSION.getBytes(StandardCharsets.ISO_8859_1),
        x.raw().bytes("v"));
  }

  @Test
  void findNodeReturnsAtMostEightCompactNodesClosestFirstInOneSmallDatagram() throws Exception {
    Random random = new Random(23);
    for (int i = 0; i < 5; i++) {
      NodeId target = NodeId.random(random);
      Exchange x = querier.ask(node, new QueryArgs.FindNode(target, Want.UNSPECIFIED));
      assertTrue(x.size() <= 1_500, x.size() + " bytes");
      BDictionary body = x.raw().dictionary("r");
      byte[] compact = body.bytes("nodes");
      assertNotNull(compact);
      assertEquals(0, compact.length % 26, "compact IPv4 node info is 26 bytes each");
      assertNull(body.get("nodes6"));

      List<Contact> nodes = x.response().nodes();
      assertEquals(8, nodes.size(), "the node knows 15 others; it should send 8");
      for (int j = 1; j < nodes.size(); j++) {
        assertTrue(target.compareDistance(nodes.get(j - 1).id(), nodes.get(j).id()) < 0,
            "not sorted closest first at " + j);
      }
      assertEquals(8, new HashSet<>(nodes).size());
      List<Contact> known = node.closestKnown(target, 8).get(5, TimeUnit.SECONDS);
      assertEquals(known.stream().map(Contact::id).toList(),
          nodes.stream().map(Contact::id).toList());
      for (Contact c : nodes) {
        assertTrue(c.address().getAddress().isLoopbackAddress());
      }
    }
  }

  @Test
  void wantSelectsTheAddressFamilies() throws Exception {
    NodeId target = NodeId.random();
    BDictionary v4 = querier.ask(node, new QueryArgs.FindNode(target, Want.V4)).raw()
        .dictionary("r");
    assertEquals(8 * 26, v4.bytes("nodes").length);
    assertNull(v4.get("nodes6"));

    // An IPv4-only node knows no IPv6 nodes: nodes6 stays empty (absent), and nodes is not
    // sent because it was not asked for.
    BDictionary v6 = querier.ask(node, new QueryArgs.FindNode(target, Want.V6)).raw()
        .dictionary("r");
    assertNull(v6.get("nodes"));
    assertEmptyOrAbsent(v6.bytes("nodes6"));

    Response both = querier.ask(node, new QueryArgs.GetPeers(target, Want.BOTH)).response();
    assertEquals(8, both.nodes().size());
    assertTrue(both.nodes6().isEmpty());
  }

  private static void assertEmptyOrAbsent(byte[] bytes) {
    assertTrue(bytes == null || bytes.length == 0, () -> "nodes6 of " + bytes.length + " bytes");
  }

  @Test
  void getPeersGivesATokenAndAnnouncedPeersComeBack() throws Exception {
    NodeId infoHash = NodeId.random();
    Response first = querier.ask(node, new QueryArgs.GetPeers(infoHash, Want.UNSPECIFIED))
        .response();
    BString token = first.token();
    assertNotNull(token);
    assertTrue(first.values().isEmpty());
    assertFalse(first.nodes().isEmpty());

    Reply ok = querier.ask(node, new QueryArgs.AnnouncePeer(infoHash, 31_337, false, token,
        false)).reply();
    assertEquals(node.id(), assertInstanceOf(Response.class, ok).sender());

    Response second = querier.ask(node, new QueryArgs.GetPeers(infoHash, Want.UNSPECIFIED))
        .response();
    assertEquals(List.of(new InetSocketAddress(querier.address().getAddress(), 31_337)),
        second.values());
  }

  @Test
  void announceWithImpliedPortUsesTheSourcePort() throws Exception {
    NodeId infoHash = NodeId.random();
    BString token = querier.ask(node, new QueryArgs.GetPeers(infoHash, Want.UNSPECIFIED))
        .response().token();
    Reply ok = querier.ask(node, new QueryArgs.AnnouncePeer(infoHash, 1, true, token, true))
        .reply();
    assertInstanceOf(Response.class, ok);
    Response peers = querier.ask(node, new QueryArgs.GetPeers(infoHash, Want.UNSPECIFIED))
        .response();
    assertEquals(List.of(querier.address()), peers.values());
  }

  @Test
  void announceWithABadTokenIsError203() throws Exception {
    NodeId infoHash = NodeId.random();
    ErrorReply made = assertInstanceOf(ErrorReply.class, querier.ask(node,
        new QueryArgs.AnnouncePeer(infoHash, 6_881, false, BString.of("12345678"), false))
        .reply());
    assertEquals(ErrorReply.PROTOCOL, made.code());

    // A real token, but issued to another IP.
    RawQuerier other = newQuerier();
    BString othersToken = other.ask(node, new QueryArgs.GetPeers(infoHash, Want.UNSPECIFIED))
        .response().token();
    ErrorReply stolen = assertInstanceOf(ErrorReply.class, querier.ask(node,
        new QueryArgs.AnnouncePeer(infoHash, 6_881, false, othersToken, false)).reply());
    assertEquals(ErrorReply.PROTOCOL, stolen.code());

    Response none = querier.ask(node, new QueryArgs.GetPeers(infoHash, Want.UNSPECIFIED))
        .response();
    assertTrue(none.values().isEmpty());
  }

  @Test
  void sampleInfohashes() throws Exception {
    DhtNode sampled = net.nodes().get(5);
    Exchange x = querier.ask(sampled, new QueryArgs.SampleInfohashes(NodeId.random(),
        Want.UNSPECIFIED));
    BDictionary body = x.raw().dictionary("r");
    assertEquals(0, body.bytes("samples").length % 20);
    assertEquals(60L, body.integer("interval"));
    long num = body.integer("num");
    assertTrue(num >= INFOHASHES_PER_NODE, "num " + num);
    Response r = x.response();
    assertEquals(Math.min(num, 40), r.samples().size());
    assertEquals(r.samples().size(), new HashSet<>(r.samples()).size());
    assertFalse(r.nodes().isEmpty());
  }

  @Test
  void anUnknownMethodWithATargetIsAnsweredLikeFindNode() throws Exception {
    NodeId target = NodeId.random();
    Response r = querier.ask(node, new QueryArgs.Unknown("frobnicate", target,
        Want.UNSPECIFIED)).response();
    assertEquals(8, r.nodes().size());
    assertEquals(node.closestKnown(target, 8).get(5, TimeUnit.SECONDS).stream()
        .map(Contact::id).toList(), r.nodes().stream().map(Contact::id).toList());

    // info_hash instead of target counts too.
    byte[] tid = {'u', 1};
    Exchange x = querier.askRaw(node, BEncoder.encode(BDictionary.builder().put("t", tid)
        .put("y", "q").put("q", "vote")
        .put("a", BDictionary.builder().put("id", querier.id().bytes())
            .put("info_hash", target.bytes()).build()).build()), tid);
    assertEquals(8, x.response().nodes().size());
  }

  @Test
  void anUnknownMethodWithoutATargetIsError204() throws Exception {
    ErrorReply e = assertInstanceOf(ErrorReply.class, querier.ask(node,
        new QueryArgs.Unknown("frobnicate", null, Want.UNSPECIFIED)).reply());
    assertEquals(ErrorReply.METHOD_UNKNOWN, e.code());
  }

  @Test
  void anImmutablePutIsStoredAndServedByteExact() throws Exception {
    BString token = querier.ask(node, new QueryArgs.Get(NodeId.random(), null,
        Want.UNSPECIFIED)).response().token();
    querier.ask(node, new QueryArgs.Put(token, BString.of("hello"), null, null, null, null,
        null)).response();
    NodeId target = dev.dhtbeacon.storage.Bep44.immutableTarget("5:hello".getBytes(
        java.nio.charset.StandardCharsets.US_ASCII));
    Response r = querier.ask(node, new QueryArgs.Get(target, null, Want.UNSPECIFIED))
        .response();
    assertEquals(BString.of("hello"), r.v());
    assertNull(r.k());
  }

  @Test
  void aPutWithABadTokenIsError203() throws Exception {
    ErrorReply e = assertInstanceOf(ErrorReply.class, querier.ask(node, new QueryArgs.Put(
        BString.of("not-a-token"), BString.of("hello"), null, null, null, null, null)).reply());
    assertEquals(ErrorReply.PROTOCOL, e.code());
  }

  @Test
  void getAnswersWithATokenAndNodesButNoValueYet() throws Exception {
    Response r = querier.ask(node, new QueryArgs.Get(NodeId.random(), null, Want.UNSPECIFIED))
        .response();
    assertNotNull(r.token());
    assertEquals(8, r.nodes().size());
    assertNull(r.v());
  }

  @Test
  void aReadOnlyQuerierIsAnsweredButNotAddedToTheTable() throws Exception {
    // Ids right next to the node's own fall in its deepest bucket, which always has room (it
    // splits), so a querier that may be added certainly is.
    NodeId own = node.id();
    RawQuerier readOnly = newQuerier(own.withBit(159, !own.bit(159)));
    RawQuerier normal = newQuerier(own.withBit(158, !own.bit(158)));

    Exchange ro = readOnly.ask(node, new QueryArgs.Ping(), true);
    assertEquals(node.id(), ro.response().sender());
    assertTrue(ro.sentBytes().length > 0);
    assertEquals(1L, new BDecoder().decodeDictionary(ro.sentBytes()).integer("ro"));
    Exchange rw = normal.ask(node, new QueryArgs.Ping());
    assertEquals(node.id(), rw.response().sender());

    List<NodeId> known = node.closestKnown(own, 8).get(5, TimeUnit.SECONDS).stream()
        .map(Contact::id).toList();
    assertTrue(known.contains(normal.id()), "a normal querier should be added: " + known);
    assertFalse(known.contains(readOnly.id()), "a read-only querier was added: " + known);

    // Also after a find_node (libtorrent adds read-only nodes that announce; we add none).
    readOnly.ask(node, new QueryArgs.FindNode(own, Want.UNSPECIFIED), true);
    List<NodeId> after = node.closestKnown(own, 16).get(5, TimeUnit.SECONDS).stream()
        .map(Contact::id).toList();
    assertFalse(after.contains(readOnly.id()));
  }

  @Test
  void aRemovedQueryListenerHearsNoMoreQueries() throws Exception {
    // Listeners run on the loop before the answer is sent, so a reply means it has been told.
    List<String> heard = new CopyOnWriteArrayList<>();
    BiConsumer<Query, InetSocketAddress> listener = (q, from) -> {
      if (q.sender().equals(querier.id())) {
        heard.add(q.method());
      }
    };
    node.addQueryListener(listener);
    try {
      querier.ask(node, new QueryArgs.Ping());
      assertEquals(List.of("ping"), heard);
    } finally {
      assertTrue(node.removeQueryListener(listener));
    }
    assertFalse(node.removeQueryListener(listener), "removed twice");
    querier.ask(node, new QueryArgs.FindNode(node.id(), Want.UNSPECIFIED));
    assertEquals(List.of("ping"), heard);
  }

  // ---- raw queriers

  private RawQuerier newQuerier() throws Exception {
    return newQuerier(NodeId.random());
  }

  private RawQuerier newQuerier(NodeId id) throws Exception {
    int n = NEXT_QUERIER.getAndIncrement();
    RawQuerier q = new RawQuerier(Testnet.loopback(127, 0, 23, n), id);
    queriers.add(q);
    return q;
  }
}
