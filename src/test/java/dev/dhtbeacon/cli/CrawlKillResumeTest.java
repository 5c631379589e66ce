package dev.dhtbeacon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.node.DhtNode;
import dev.dhtbeacon.node.ReceiveLog;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.service.JsonReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4: a {@code dhtbeacon crawl} process killed with SIGKILL mid-sweep and started again
 * on the same {@code --db} resumes the sweep and never asks a node the first process asked.
 *
 * <p>The crawler claims each node in its database, and commits the claim, before it sends the
 * node its sweep query; a resumed sweep skips every claimed node. So the guarantee is stronger
 * than "answered nodes are not asked again": no node the first process <em>sent</em> a sweep
 * query is asked again, answered or not. The price is coverage: answers in flight at the kill,
 * or received but not yet committed, are lost, and with them the nodes only they named.
 *
 * <p>The truth is logged at the testnet nodes (1 500 on 127.0.160.1 upward, port 29600; 10%
 * dead, 20% without BEP 51). The two processes get their own source IPs (127.0.169.1 and .2),
 * since each picks a random node id. A first sweep's queries are all {@code sample_infohashes}
 * ({@code find_node} is only for nodes a previous sweep found without BEP 51), so that is the
 * method counted; {@code find_node} from the second process is its own bootstrap and size
 * estimates, reported but not a sweep query. Dead nodes drop queries unseen, so "never twice"
 * is checked on live nodes only (the in-process crash test in {@code TestnetCrawlTest} checks
 * the crawler's own send log too).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CrawlKillResumeTest {
  private static final int NODES = 1_500;
  private static final double KILL_AT = 0.3;
  private static final String SWEEP_METHOD = "sample_infohashes";

  @Test
  void aCrawlKilledWithSigkillResumesFromItsDatabaseAndAsksNoNodeTwice(@TempDir Path dir)
      throws Exception {
    long t0 = System.nanoTime();
    InetAddress firstIp = Testnet.loopback(127, 0, 169, 1);
    InetAddress secondIp = Testnet.loopback(127, 0, 169, 2);
    try (Testnet net = Testnet.start(Testnet.Options.of(NODES)
        .withBase(Testnet.loopback(127, 0, 160, 1), 29600).withCrawlTruth(5, 0.1, 0.2));
        ReceiveLog log = new ReceiveLog()) {
      Set<InetSocketAddress> live = new HashSet<>();
      for (DhtNode n : net.liveNodes()) {
        live.add(n.address());
      }
      log.attach(net.nodes());
      log.watch(firstIp);
      log.watch(secondIp);
      String db = dir.resolve("crawl.db").toString();
      String entry = Endpoints.format(net.entryPoint());

      long t1 = System.nanoTime();
      int killedExit;
      int reachedAtKill;
      try (CliProcess first = crawl(firstIp, entry, db, "120s")) {
        reachedAtKill = awaitReached(log, firstIp, live, (int) Math.ceil(KILL_AT * live.size()),
            first, Duration.ofSeconds(60));
        // Still running: it has not printed its summary, so the sweep is mid-way.
        assertTrue(first.process().isAlive() && first.stdout().isEmpty(),
            "the first crawl ended before it could be killed\n" + first.transcript());
        killedExit = first.kill(Duration.ofSeconds(10));
      }
      // 128 + 9: the JVM died of SIGKILL, no shutdown hook ran, nothing was closed.
      assertEquals(137, killedExit, "the first crawl was not killed by SIGKILL");
      // The database is left as the kill left it: opening it here would replay and close it,
      // and the second process would no longer start from a crashed file.

      long t2 = System.nanoTime();
      String json;
      try (CliProcess second = crawl(secondIp, entry, db, "60s")) {
        int code = second.waitForExit(Duration.ofSeconds(90));
        assertEquals(0, code, code == -1 ? second.transcriptWithThreadDump()
            : second.transcript());
        json = second.awaitStdout(l -> l.startsWith("{"), Duration.ofSeconds(1));
        assertNotNull(json, second.transcript());
      }
      long t3 = System.nanoTime();

      Map<?, ?> summary = (Map<?, ?>) JsonReader.parse(json);
      Map<InetSocketAddress, Integer> byFirst = log.counts(SWEEP_METHOD,
          r -> r.source().getAddress().equals(firstIp));
      Map<InetSocketAddress, Integer> bySecond = log.counts(SWEEP_METHOD,
          r -> r.source().getAddress().equals(secondIp));
      Map<InetSocketAddress, Integer> findNodeBySecond = log.counts("find_node",
          r -> r.source().getAddress().equals(secondIp));
      Set<InetSocketAddress> askedTwice = new HashSet<>(byFirst.keySet());
      askedTwice.retainAll(bySecond.keySet());
      long firstAgainByFindNode = byFirst.keySet().stream()
          .filter(findNodeBySecond::containsKey).count();
      int maxPerProcess = Math.max(max(byFirst), max(bySecond));
      Set<InetSocketAddress> reached = new HashSet<>(byFirst.keySet());
      reached.addAll(bySecond.keySet());
      reached.retainAll(live);
      System.out.printf("kill/resume (real processes, SIGKILL): testnet %.1f s, first run %.1f s"
          + " (killed at %d/%d live asked), second run %.1f s%n  first asked %d, second asked"
          + " %d, both %d; at most %d per node per process; second's find_node to first's"
          + " nodes %d (bootstrap, estimates)%n  reached %d/%d live (%.2f%%)%n  %s%n",
          (t1 - t0) / 1e9, (t2 - t1) / 1e9, reachedAtKill, live.size(), (t3 - t2) / 1e9,
          byFirst.size(), bySecond.size(), askedTwice.size(), maxPerProcess,
          firstAgainByFindNode, reached.size(), live.size(), 100.0 * reached.size() / live.size(),
          json);

      assertEquals(Boolean.TRUE, summary.get("resumed"), "did not resume: " + json);
      assertEquals(1L, ((Number) summary.get("sweep")).longValue(), "not sweep 1: " + json);
      assertEquals(Boolean.TRUE, summary.get("complete"), "sweep incomplete: " + json);
      assertEquals(Set.of(), askedTwice, askedTwice.size()
          + " nodes asked by the killed crawl were asked again after the restart");
      assertEquals(1, maxPerProcess, "a process asked one node twice");
      // The summary counts both runs: each query of the killed run was claimed (committed)
      // before it was sent, so the resumed count cannot fall short of what the nodes received.
      long sent = ((Number) summary.get("queries_sent")).longValue();
      long answered = ((Number) summary.get("nodes_answered")).longValue();
      long found = ((Number) summary.get("nodes_found")).longValue();
      assertTrue(sent >= byFirst.size() + bySecond.size(), "queries_sent " + sent + " < "
          + byFirst.size() + " + " + bySecond.size() + " received at the nodes");
      assertTrue(answered <= sent && answered <= found, json);
      assertTrue(answered >= bySecond.size(), "nodes_answered " + answered
          + " below the resumed run's own " + bySecond.size() + ": " + json);
      // Coverage pays for the kill (see the class comment): observed 94.0–99.7% (median 97.6%)
      // over 9 runs; the same 90% floor as the in-process crash test, which only catches a
      // resume that loses the sweep. The exact guarantees are the resume and "never twice".
      assertTrue(reached.size() >= 0.9 * live.size(),
          "reached " + reached.size() + " of " + live.size() + " live nodes");
    }
  }

  /** {@code dhtbeacon crawl} from {@code ip}, with estimates, JSON summary and a database. */
  private static CliProcess crawl(InetAddress ip, String entry, String db, String duration)
      throws Exception {
    return CliProcess.start("crawl", "--network", "loopback", "--bind", ip.getHostAddress(),
        "--bootstrap", entry, "--rate", "200", "--duration", duration, "--db", db, "--json");
  }

  /**
   * Waits until at least {@code wanted} live nodes have received a sweep query from
   * {@code ip}, polling the log every 20 ms (at 200 queries/s, 4 queries' worth); returns how
   * many had. Fails if the process exits or the time runs out first.
   */
  private static int awaitReached(ReceiveLog log, InetAddress ip, Set<InetSocketAddress> live,
      int wanted, CliProcess process, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Set<InetSocketAddress> asked = new HashSet<>(log.counts(SWEEP_METHOD,
          r -> r.source().getAddress().equals(ip)).keySet());
      asked.retainAll(live);
      if (asked.size() >= wanted) {
        return asked.size();
      }
      if (!process.process().isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("only " + asked.size() + " of " + wanted + " live nodes asked\n"
            + process.transcript());
      }
      Thread.sleep(20);
    }
  }

  private static int max(Map<InetSocketAddress, Integer> counts) {
    return counts.values().stream().max(Integer::compare).orElse(0);
  }
}
