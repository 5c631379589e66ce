package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDictionary;
import java.util.Objects;

/**
 * What the crawl database knows about one DHT node. Times are epoch milliseconds; unknown
 * values are -1 (0 for times that never happened).
 *
 * @param idHex the node id, 40 lower-case hex characters (the database key)
 * @param ip 4 or 16 address bytes
 * @param version the client version {@code v} it sent, ISO-8859-1, or null
 * @param rttMillis round-trip time of its last answer, or -1
 * @param firstSeenMillis when the crawl first heard of it
 * @param lastAnsweredMillis when it last answered us, or 0
 * @param lastQueriedMillis when we last sent it a crawl query, or 0
 * @param bep42Valid whether its id is BEP 42-valid for its IP (exempt addresses count as valid)
 * @param readOnly whether it sent us BEP 43 read-only queries
 * @param bep51 1 answers sample_infohashes, 0 does not, -1 unknown
 * @param num BEP 51 {@code num}: infohashes it holds, or -1
 * @param intervalSeconds BEP 51 {@code interval} it asked for, or -1
 * @param failures consecutive queries it left unanswered
 * @param sweep the sweep in which it was last claimed for a query, or -1
 */
public record CrawlNode(String idHex, byte[] ip, int port, String version, long rttMillis,
    long firstSeenMillis, long lastAnsweredMillis, long lastQueriedMillis, boolean bep42Valid,
    boolean readOnly, int bep51, long num, int intervalSeconds, int failures, long sweep) {

  public CrawlNode {
    Objects.requireNonNull(idHex, "idHex");
    Objects.requireNonNull(ip, "ip");
    if (idHex.length() != 40) {
      throw new IllegalArgumentException("id must be 40 hex characters, got " + idHex);
    }
    if (ip.length != 4 && ip.length != 16) {
      throw new IllegalArgumentException("ip must be 4 or 16 bytes, got " + ip.length);
    }
  }

  /** A node just heard of: nothing known but its address. */
  public static CrawlNode discovered(String idHex, byte[] ip, int port, boolean bep42Valid,
      long nowMillis) {
    return new CrawlNode(idHex, ip, port, null, -1, nowMillis, 0, 0, bep42Valid, false, -1, -1,
        -1, 0, -1);
  }

  /** The earliest time a BEP 51 query may be sent again: last query plus its interval. */
  public long notBeforeMillis() {
    return intervalSeconds > 0 && lastQueriedMillis > 0
        ? lastQueriedMillis + intervalSeconds * 1000L : 0;
  }

  public CrawlNode withClaim(long sweepNumber, long nowMillis) {
    return new CrawlNode(idHex, ip, port, version, rttMillis, firstSeenMillis, lastAnsweredMillis,
        nowMillis, bep42Valid, readOnly, bep51, num, intervalSeconds, failures, sweepNumber);
  }

  public CrawlNode withFailure() {
    return new CrawlNode(idHex, ip, port, version, rttMillis, firstSeenMillis, lastAnsweredMillis,
        lastQueriedMillis, bep42Valid, readOnly, bep51, num, intervalSeconds, failures + 1,
        sweep);
  }

  public CrawlNode withReadOnly() {
    return new CrawlNode(idHex, ip, port, version, rttMillis, firstSeenMillis, lastAnsweredMillis,
        lastQueriedMillis, bep42Valid, true, bep51, num, intervalSeconds, failures, sweep);
  }

  /**
   * This record after an answer: the address it answered from, its version and RTT; BEP 51
   * fields are replaced only when the answer said something about them ({@code bep51} ≥ 0).
   */
  public CrawlNode withAnswer(byte[] fromIp, int fromPort, boolean idValid, String v, long rtt,
      long nowMillis, int newBep51, long newNum, int newInterval) {
    boolean told = newBep51 >= 0;
    return new CrawlNode(idHex, fromIp, fromPort, v != null ? v : version, rtt, firstSeenMillis,
        nowMillis, lastQueriedMillis, idValid, readOnly, told ? newBep51 : bep51,
        told ? newNum : num, told ? newInterval : intervalSeconds, 0, sweep);
  }

  /** The bencoded form files of older versions hold (see {@link CrawlRecordCodec}). */
  BDictionary toBencode() {
    BDictionary.Builder b = BDictionary.builder().put("ip", ip).put("port", port)
        .put("rtt", rttMillis).put("first", firstSeenMillis).put("answered", lastAnsweredMillis)
        .put("queried", lastQueriedMillis).put("bep42", bep42Valid ? 1 : 0)
        .put("ro", readOnly ? 1 : 0).put("bep51", bep51).put("num", num)
        .put("interval", intervalSeconds).put("failures", failures).put("sweep", sweep);
    if (version != null) {
      b.put("v", version.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    return b.build();
  }

  static CrawlNode fromBencode(String idHex, BDictionary d) {
    byte[] ip = d.bytes("ip");
    Long port = d.integer("port");
    Long first = d.integer("first");
    if (ip == null || port == null || first == null) {
      throw new IllegalStateException("incomplete node entry " + idHex);
    }
    byte[] v = d.bytes("v");
    return new CrawlNode(idHex, ip, port.intValue(),
        v == null ? null : new String(v, java.nio.charset.StandardCharsets.ISO_8859_1),
        get(d, "rtt", -1), first, get(d, "answered", 0), get(d, "queried", 0),
        get(d, "bep42", 1) == 1, get(d, "ro", 0) == 1, (int) get(d, "bep51", -1),
        get(d, "num", -1), (int) get(d, "interval", -1), (int) get(d, "failures", 0),
        get(d, "sweep", -1));
  }

  private static long get(BDictionary d, String key, long absent) {
    Long v = d.integer(key);
    return v == null ? absent : v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CrawlNode n && idHex.equals(n.idHex) && java.util.Arrays.equals(ip, n.ip)
        && port == n.port && Objects.equals(version, n.version) && rttMillis == n.rttMillis
        && firstSeenMillis == n.firstSeenMillis && lastAnsweredMillis == n.lastAnsweredMillis
        && lastQueriedMillis == n.lastQueriedMillis && bep42Valid == n.bep42Valid
        && readOnly == n.readOnly && bep51 == n.bep51 && num == n.num
        && intervalSeconds == n.intervalSeconds && failures == n.failures && sweep == n.sweep;
  }

  @Override
  public int hashCode() {
    return idHex.hashCode();
  }
}
