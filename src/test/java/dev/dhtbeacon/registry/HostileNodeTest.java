package dev.dhtbeacon.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.storage.Bep44;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A lying node sits closer to the target than any honest node and answers every {@code get}
 * with a forged or a stale item. Resolvers must still return the genuine newest record, and
 * the publisher must not let a forged seq push its own seq around.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostileNodeTest {
  private static final InetSocketAddress GENUINE_A = endpoint(1, 7001);
  private static final InetSocketAddress GENUINE_B = endpoint(2, 7002);
  private static final InetSocketAddress EVIL = endpoint(66, 6666);
  private static Testnet net;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(200).withBase(Testnet.loopback(127, 0, 85, 1),
        26100));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void forgedAndStaleItemsLoseToTheGenuineNewest() throws Exception {
    KeyPair keys = KeyPair.generate();
    NodeId target = Bep44.mutableTarget(keys.publicKey().bytes(), null);
    try (HostilePeer hostile = HostilePeer.bind(address(10, 26110), target, net.contacts());
        DhtBeacon home = beacon(address(1, 26101));
        DhtBeacon resolver = beacon(address(2, 26102))) {
      // The honest nodes nearest the target learn about the liar, which is nearer still.
      int told = hostile.introduceTo(Testnet.trueClosest(net.contacts(), target, 16));
      assertTrue(told >= 12, "only " + told + " nodes answered the hostile peer's ping");

      Publisher publisher = new Publisher(home.node(), keys, null, null, Clock.systemUTC());
      PublishResult first = publisher.publish(List.of(GENUINE_A));
      MutableItem stale = publisher.current();
      PublishResult second = publisher.publish(List.of(GENUINE_B));
      assertTrue(second.seq() > first.seq());
      assertTrue(second.copies() >= Publisher.MIN_COPIES, "copies " + second.copies());

      // (a) A forged item: the real k, a far higher seq, an attacker's address, and a
      // signature made with the attacker's own key.
      long forgedSeq = second.seq() + 1_000_000_000_000L;
      MutableItem forged = forge(keys.publicKey(), forgedSeq, EVIL);
      assertTrue(!forged.verify());
      hostile.serve(forged);
      int getsBefore = hostile.getsForTarget();
      ResolveResult r = resolver.resolve(keys.publicKey()).get(30, TimeUnit.SECONDS);
      assertTrue(hostile.askedBy().contains(resolver.node().address()),
          "the resolver's lookup never reached the hostile peer; asked by "
              + hostile.askedBy());
      System.out.printf("forged: found=%s seq=%d (genuine %d) addresses=%s invalid=%d "
          + "queried=%d hostile gets=%d%n", r.found(), r.seq(), second.seq(), r.addresses(),
          r.invalidItems(), r.nodesQueried(), hostile.getsForTarget() - getsBefore);
      assertTrue(r.found());
      assertEquals(second.seq(), r.seq());
      assertEquals(List.of(GENUINE_B), r.record().addresses());
      assertTrue(r.invalidItems() > 0, "the forged item was not counted as invalid");

      // The publisher, whose lookup also meets the forgery, must not adopt its seq.
      PublishResult moved = publisher.publish(List.of(GENUINE_A));
      assertTrue(moved.lookup());
      assertTrue(moved.seq() > second.seq() && moved.seq() < forgedSeq,
          "publisher took seq " + moved.seq() + " next to forged " + forgedSeq);
      ResolveResult afterMove = resolver.resolve(keys.publicKey()).get(30, TimeUnit.SECONDS);
      assertEquals(moved.seq(), afterMove.seq());
      assertEquals(List.of(GENUINE_A), afterMove.record().addresses());

      // (b) A replay of the first item: validly signed by the real key, but older (it says A;
      // the genuine newest says B).
      assertTrue(stale.verify() && stale.seq() < moved.seq());
      PublishResult newest = publisher.publish(List.of(GENUINE_B));
      hostile.serve(stale);
      getsBefore = hostile.getsForTarget();
      ResolveResult r2 = resolver.resolve(keys.publicKey()).get(30, TimeUnit.SECONDS);
      System.out.printf("stale: found=%s seq=%d (genuine %d, stale %d) addresses=%s invalid=%d "
          + "hostile gets=%d%n", r2.found(), r2.seq(), newest.seq(), stale.seq(),
          r2.addresses(), r2.invalidItems(), hostile.getsForTarget() - getsBefore);
      assertTrue(hostile.getsForTarget() > getsBefore, "the hostile peer was not asked");
      assertTrue(r2.found());
      assertEquals(newest.seq(), r2.seq());
      assertEquals(List.of(GENUINE_B), r2.record().addresses());
      assertEquals(0, r2.invalidItems(), "a stale but valid item is not invalid");
    }
  }

  /** An item for {@code victim}'s key, signed by someone else. */
  private static MutableItem forge(PublicKey victim, long seq, InetSocketAddress to) {
    KeyPair attacker = KeyPair.generate();
    AddressRecord record = new AddressRecord(List.of(to), System.currentTimeMillis() / 1000);
    MutableItem signedByAttacker = MutableItem.sign(attacker, null, seq, record.encode());
    return MutableItem.of(victim, null, seq, record.encode(), signedByAttacker.sig());
  }

  private static DhtBeacon beacon(InetSocketAddress bind) throws Exception {
    return DhtBeacon.builder().network(NetworkMode.LOOPBACK).bind(bind)
        .bootstrap(List.of(net.entryPoint())).build().start().get(30, TimeUnit.SECONDS);
  }

  private static InetSocketAddress address(int host, int port) {
    return new InetSocketAddress(Testnet.loopback(127, 0, 86, host), port);
  }

  /** Published endpoints: data only, never contacted. */
  private static InetSocketAddress endpoint(int host, int port) {
    return new InetSocketAddress(Testnet.loopback(127, 0, 94, host), port);
  }
}
