package dev.dhtbeacon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.node.BootFile;
import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.Endpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dhtbeacon crawl} as a real process against an in-test testnet. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrawlCliTest {
  private static final int NODES = 300;
  private static Testnet net;

  @BeforeAll
  static void startTestnet() {
    net = Testnet.start(Testnet.Options.of(NODES).withBase(Testnet.loopback(127, 0, 36, 1), 21600)
        .withCrawlTruth(5, 0.1, 0.2));
  }

  @AfterAll
  static void stopTestnet() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void jsonSummaryAndBootOutWhoseNodesAllAnswer(@TempDir Path dir) throws Exception {
    Path bootOut = dir.resolve("crawl.boot");
    CliProcess.Result r = CliProcess.run(Duration.ofSeconds(90), "crawl", "--network",
        "loopback", "--bind", "127.0.39.1", "--bootstrap",
        Endpoints.format(net.entryPoint()), "--duration", "40s", "--rate", "2000",
        "--db", dir.resolve("crawl.db").toString(), "--boot-out", bootOut.toString(), "--json");
    assertEquals(0, r.exitCode(), r.stderr());
    String json = r.stdout().strip();
    int live = net.liveNodes().size();
    long answered = number(json, "nodes_answered");
    // This test checks the command's wiring; sweep coverage (≥ 99% on 2 000 nodes) is
    // TestnetCrawlTest's. On this small, sparse testnet a sweep can miss a few percent.
    assertTrue(answered >= 0.9 * live, "answered " + answered + " of " + live + ": " + json);
    assertTrue(number(json, "nodes_found") >= answered);
    assertTrue(number(json, "queries_sent") <= 1.5 * live, json);
    assertTrue(number(json, "infohashes") > 0, json);
    for (String key : List.of("estimate_zone", "estimate_lookup", "seconds")) {
      assertTrue(json.contains("\"" + key + "\":"), key + " missing: " + json);
    }
    assertTrue(r.stderr().contains("found"), "progress lines on stderr");

    BootFile.LoadResult boot = BootFile.load(bootOut);
    assertEquals(null, boot.problem());
    assertEquals(answered, boot.contacts().size(), "one .boot line per answering node");
    try (DhtNode pinger = DhtNode.builder().network(NetworkMode.LOOPBACK)
        .bind(new java.net.InetSocketAddress(Endpoints.parseLiteral("127.0.39.2"), 0)).build().start().join()) {
      List<CompletableFuture<Reply>> pings = boot.contacts().stream()
          .map(Contact::address).map(pinger::ping).toList();
      List<String> silent = new java.util.ArrayList<>();
      for (int i = 0; i < pings.size(); i++) {
        if (!(pings.get(i).handle((reply, e) -> reply).join() instanceof Response)) {
          silent.add(boot.contacts().get(i).toString());
        }
      }
      List<String> dead = net.nodes().stream().filter(n -> !net.liveNodes().contains(n))
          .map(n -> Endpoints.format(n.address())).toList();
      assertEquals(List.of(), silent, silent.size() + " of " + pings.size()
          + " .boot nodes did not answer a ping; " + dead.size() + " testnet nodes are dead");
    }
  }

  @Test
  void noReachableNodeIsExitCode3() throws Exception {
    CliProcess.Result r = CliProcess.run(Duration.ofSeconds(60), "crawl", "--network",
        "loopback", "--bind", "127.0.39.3", "--bootstrap", "127.0.39.254:21999",
        "--duration", "5s", "--json");
    assertEquals(3, r.exitCode(), r.stderr());
  }

  private static long number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
    assertTrue(m.find(), key + " missing: " + json);
    return Long.parseLong(m.group(1));
  }
}
