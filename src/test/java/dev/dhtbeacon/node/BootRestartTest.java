package dev.dhtbeacon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.lookup.LookupResult;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that restarts with only its {@code .boot} file (no bootstrap addresses) rejoins a
 * loopback testnet; a damaged or unreadable {@code .boot} never stops a node from starting.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BootRestartTest {
  private static final int PORT = 21200;
  private static Testnet net;

  @TempDir
  Path dir;

  private final List<DhtNode> started = new ArrayList<>();

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(60).withBase(Testnet.loopback(127, 0, 32, 1), 21100));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @AfterEach
  void closeNodes() {
    for (DhtNode n : started) {
      n.close();
    }
  }

  @Test
  void restartsFromItsBootFileAloneAndFindsTheTrueClosest() throws Exception {
    Path boot = dir.resolve("node.boot");
    InetSocketAddress bind = new InetSocketAddress(Testnet.loopback(127, 0, 33, 1), PORT);

    DhtNode first = start(node(bind, boot).bootstrap(List.of(net.entryPoint())));
    awaitTable(first);
    first.findNode(first.id()).get(30, TimeUnit.SECONDS);
    assertTrue(first.status().join().routingV4() >= 8, first.status().join().line());
    first.close();
    started.remove(first);

    BootFile.LoadResult saved = BootFile.load(boot);
    assertNull(saved.problem());
    assertTrue(saved.contacts().size() >= 8, Files.readString(boot));
    Set<Contact> testnet = Set.copyOf(net.contacts());
    for (Contact c : saved.contacts()) {
      assertTrue(testnet.contains(c), "not a testnet node: " + c);
    }

    // Same address and file, no bootstrap addresses: only the .boot file can bring it back.
    DhtNode second = start(node(bind, boot));
    NodeStatus status = second.status().join();
    assertTrue(status.routingV4() > 0, "empty table after restart: " + status.line());

    Random random = new Random(7);
    for (int i = 0; i < 5; i++) {
      NodeId target = NodeId.random(random);
      LookupResult result = second.findNode(target).get(30, TimeUnit.SECONDS);
      assertEquals(ids(Testnet.trueClosest(net.contacts(), target, 8)),
          ids(result.closestContacts()), "lookup toward " + target.hex());
    }
  }

  @Test
  void startsFromTheValidLineOfACorruptBootFile() throws Exception {
    Contact valid = net.contacts().get(net.contacts().size() / 2);
    Path boot = dir.resolve("corrupt.boot");
    String text = String.join("\n",
        "# dhtbeacon .boot",
        "garbage",
        "zz" + "0".repeat(38) + " 127.0.32.9:21100",
        "0123456789abcdef0123456789abcdef01234567 not-an-address",
        "0123456789abcdef0123456789abcdef01234567 router.bittorrent.com:6881",
        "0123456789abcdef0123456789abcdef0123 127.0.32.7:21100",
        "0123456789abcdef0123456789abcdef01234567 127.0.32.8:0",
        "0123456789abcdef0123456789abcdef01234567 127.0.32.8:21100 extra",
        "\u0000\u00ff\u202e binary-ish",
        BootFile.format(valid),
        "");
    Files.writeString(boot, text, StandardCharsets.UTF_8);
    BootFile.LoadResult loaded = BootFile.load(boot);
    assertEquals(List.of(valid), loaded.contacts());
    assertEquals(8, loaded.skippedLines());

    DhtNode node = start(node(new InetSocketAddress(Testnet.loopback(127, 0, 33, 2), PORT),
        boot));
    NodeStatus status = node.status().join();
    assertTrue(status.routingV4() >= 8, "one valid line should be enough: " + status.line());
    NodeId target = NodeId.random(new Random(11));
    LookupResult result = node.findNode(target).get(30, TimeUnit.SECONDS);
    assertEquals(ids(Testnet.trueClosest(net.contacts(), target, 8)),
        ids(result.closestContacts()));
  }

  @Test
  void anUnreadableBootFileGivesAnEmptyTableNotAnException() throws Exception {
    Path boot = Files.createDirectory(dir.resolve("dir.boot"));
    Files.writeString(boot.resolve("inside"), "keeps the directory non-empty");
    assertNotNull(BootFile.load(boot).problem());

    DhtNode node = start(node(new InetSocketAddress(Testnet.loopback(127, 0, 33, 3), PORT),
        boot));
    NodeStatus status = node.status().join();
    assertEquals(0, status.routingV4() + status.routingV6(), status.line());
    assertEquals(new InetSocketAddress(Testnet.loopback(127, 0, 33, 3), PORT), node.address());
    node.close(); // the shutdown save fails (it is a directory) and is only logged
    started.remove(node);
    assertTrue(Files.isDirectory(boot));
  }

  private static DhtNodeBuilder node(InetSocketAddress bind, Path boot) {
    return DhtNode.builder().network(NetworkMode.LOOPBACK).bind(bind).bootFile(boot);
  }

  private DhtNode start(DhtNodeBuilder builder) throws Exception {
    DhtNode node = builder.build();
    started.add(node);
    return node.start().get(30, TimeUnit.SECONDS);
  }

  private static void awaitTable(DhtNode node) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (node.status().join().routingV4() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(node.status().join().routingV4() > 0, node.status().join().line());
  }

  private static List<String> ids(List<Contact> contacts) {
    return contacts.stream().map(c -> c.id().hex()).collect(Collectors.toList());
  }
}
