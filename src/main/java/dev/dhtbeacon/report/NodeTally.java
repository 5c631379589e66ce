package dev.dhtbeacon.report;

import dev.dhtbeacon.store.CrawlNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Counts node records into {@link NodeStats} in one pass and bounded memory, whatever the
 * database holds: fixed bins for the keyspace and RTTs, and at most {@value #MAX_DISTINCT}
 * distinct client versions (a version first seen after that counts as "other").
 */
final class NodeTally implements Consumer<CrawlNode> {
  static final int KEYSPACE_BINS = 64;
  /** RTTs at or above this many milliseconds share the last bin. */
  static final int RTT_CAP_MILLIS = 10_000;
  static final int MAX_DISTINCT = 4_096;
  static final int TOP_VERSIONS = 12;

  private final long[] foundPerBin = new long[KEYSPACE_BINS];
  private final long[] answeredPerBin = new long[KEYSPACE_BINS];
  private final long[] rttPerMilli = new long[RTT_CAP_MILLIS + 1];
  private final Map<String, Long> versions = new HashMap<>();
  private long found;
  private long answered;
  private long readOnly;
  private long overflowVersions;
  private long noVersion;
  private long bep42Valid;
  private long bep51Supported;
  private long bep51Unsupported;

  @Override
  public void accept(CrawlNode n) {
    int bin = Integer.parseInt(n.idHex().substring(0, 2), 16) * KEYSPACE_BINS / 256;
    found++;
    foundPerBin[bin]++;
    if (n.readOnly()) {
      readOnly++;
    }
    if (n.lastAnsweredMillis() <= 0) {
      return;
    }
    answered++;
    answeredPerBin[bin]++;
    version(n.version());
    if (n.rttMillis() >= 0) {
      rttPerMilli[(int) Math.min(n.rttMillis(), RTT_CAP_MILLIS)]++;
    }
    if (n.bep42Valid()) {
      bep42Valid++;
    }
    if (n.bep51() == 1) {
      bep51Supported++;
    } else if (n.bep51() == 0) {
      bep51Unsupported++;
    }
  }

  private void version(String v) {
    if (v == null) {
      noVersion++;
    } else if (versions.containsKey(v) || versions.size() < MAX_DISTINCT) {
      versions.merge(v, 1L, Long::sum);
    } else {
      overflowVersions++;
    }
  }

  /** What was counted: the top versions by label, ties broken by label so output is stable. */
  NodeStats stats() {
    Map<String, Long> byLabel = new HashMap<>();
    versions.forEach((v, count) -> byLabel.merge(ClientVersion.label(v), count, Long::sum));
    List<NodeStats.Bar> sorted = new ArrayList<>();
    byLabel.forEach((label, count) -> sorted.add(new NodeStats.Bar(label, count)));
    sorted.sort(Comparator.comparingLong(NodeStats.Bar::count).reversed()
        .thenComparing(NodeStats.Bar::label));
    List<NodeStats.Bar> top = List.copyOf(sorted.subList(0, Math.min(TOP_VERSIONS,
        sorted.size())));
    long other = overflowVersions;
    for (NodeStats.Bar b : sorted.subList(top.size(), sorted.size())) {
      other += b.count();
    }
    return new NodeStats(found, answered, readOnly, foundPerBin.clone(), answeredPerBin.clone(),
        top, other, noVersion, new NodeStats.Rtt(rttPerMilli.clone()), bep42Valid,
        bep51Supported, bep51Unsupported);
  }
}
