package dev.dhtbeacon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BInteger;
import dev.dhtbeacon.bencode.BList;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.bencode.Hex;
import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.KrpcCodec;
import dev.dhtbeacon.krpc.KrpcMessage;
import dev.dhtbeacon.krpc.KrpcTransport;
import dev.dhtbeacon.krpc.MalformedMessageException;
import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.krpc.Query;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.krpc.TransactionId;
import dev.dhtbeacon.krpc.TransportCounters;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node under a flood of hostile datagrams: random bytes, mangled KRPC, bencode bombs, huge
 * length prefixes, bogus queries, stray responses and 64 KiB datagrams, from several loopback
 * addresses (127.0.24.x). It must keep answering, count the garbage as malformed, let no
 * exception escape, and hold no more heap afterwards than before.
 */
@Timeout(value = 55, unit = TimeUnit.SECONDS)
class HostileInputTest {
  private static final KrpcCodec CODEC = new KrpcCodec();
  private static final int FLOOD = 100_000;
  private static final int SOURCES = 8;
  private static final long MIB = 1024 * 1024;
  private static final String[] ESCAPE_MARKERS = {
      "unexpected error on", "query handler failed", "LEAK:", "Exception"};

  private DhtNode node;
  private final List<DatagramSocket> sources = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    // A per-IP rate high enough that every datagram reaches the decoder (the rate limit is
    // tested in RateLimitTest).
    node = DhtNode.builder()
        .network(NetworkMode.LOOPBACK)
        .bind(new InetSocketAddress(Testnet.loopback(127, 0, 24, 1), 0))
        .transport(new KrpcTransport.Settings(NetworkMode.LOOPBACK, 1e9, 1e9, 8_192,
            KrpcTransport.Settings.VERSION))
        .build();
    node.start().get(10, TimeUnit.SECONDS);
    for (int i = 0; i < SOURCES; i++) {
      sources.add(new DatagramSocket(new InetSocketAddress(
          Testnet.loopback(127, 0, 24, 10 + i), 0)));
    }
  }

  @AfterEach
  void stop() {
    sources.forEach(DatagramSocket::close);
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theCodecRejectsTheCorpusWithMalformedMessageExceptionOnly() {
    Corpus corpus = new Corpus(new Random(7), List.of(Testnet.loopback(127, 0, 24, 1)));
    int malformed = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] datagram = corpus.next();
      try {
        CODEC.decode(datagram);
      } catch (MalformedMessageException expected) {
        malformed++;
      } catch (RuntimeException e) {
        throw new AssertionError("decoder threw " + e + " on "
            + Hex.encode(Arrays.copyOf(datagram, Math.min(200, datagram.length))), e);
      }
    }
    assertTrue(malformed > 10_000, malformed + " of 20000 malformed");
  }

  @Test
  void aHundredThousandHostileDatagramsLeaveTheNodeUpAndTheHeapWhereItWas() throws Exception {
    InetSocketAddress target = node.address();
    TransportCounters counters = node.transport().counters();
    Corpus corpus = new Corpus(new Random(42), List.of(target.getAddress()));

    // Warm-up: the first pass through every path loads classes and fills caches once; that
    // is not a leak, so the baseline is taken after it.
    flood(target, corpus, 3_000, counters, 10_000);
    awaitQuiet(counters, 5_000);
    long baseline = settledHeapUsed();

    ErrorCapture capture = ErrorCapture.install();
    try {
      long receivedBefore = counters.received.sum();
      long malformedBefore = counters.malformed.sum();
      long started = System.nanoTime();
      int sent = flood(target, corpus, FLOOD, counters, 40_000);
      awaitQuiet(counters, 5_000);
      long floodMillis = (System.nanoTime() - started) / 1_000_000;
      long received = counters.received.sum() - receivedBefore;
      long malformed = counters.malformed.sum() - malformedBefore;
      System.out.println("hostile flood: sent " + sent + " in " + floodMillis + " ms, node got "
          + received + ", malformed " + malformed + "; " + counters);

      assertEquals(FLOOD, sent, "the flood did not finish in time");
      assertTrue(received >= FLOOD / 2, "only " + received + " of " + FLOOD + " arrived");
      assertTrue(malformed > 0);
      assertTrue(node.transport().isOpen());

      // Still answers, promptly.
      assertPingAnsweredWithinOneSecond(target, 50);

      long after = settledHeapUsed();
      // 10% of the baseline; when the baseline is small, 10% is within GC noise, so at least
      // 2 MiB. Only growth counts: less heap afterwards is no leak.
      long tolerance = Math.max(baseline / 10, 2 * MIB);
      System.out.println("heap after GC: baseline " + baseline / 1024 + " KiB, after "
          + after / 1024 + " KiB, tolerance " + tolerance / 1024 + " KiB");
      assertTrue(after <= baseline + tolerance, "heap grew from " + baseline / 1024
          + " KiB to " + after / 1024 + " KiB (tolerance " + tolerance / 1024 + " KiB)");

      // Netty's leak detector reports a leaked buffer when a later allocation finds it
      // collected: allocate again after the GCs, then look at what was logged.
      assertPingAnsweredWithinOneSecond(target, 51);
    } finally {
      capture.uninstall();
    }
    assertEquals(List.of(), capture.samples(), "errors escaped to the log");
  }

  private void assertPingAnsweredWithinOneSecond(InetSocketAddress target, int host)
      throws Exception {
    try (DatagramSocket pinger = new DatagramSocket(new InetSocketAddress(
        Testnet.loopback(127, 0, 24, host), 0))) {
      byte[] ping = CODEC.encode(new Query(TransactionId.ofInt(0x5a5a), NodeId.random(), false,
          null, new QueryArgs.Ping()));
      long t0 = System.nanoTime();
      pinger.send(new DatagramPacket(ping, ping.length, target));
      pinger.setSoTimeout(1_000);
      DatagramPacket p = new DatagramPacket(new byte[2_048], 2_048);
      pinger.receive(p);
      long millis = (System.nanoTime() - t0) / 1_000_000;
      KrpcMessage m = CODEC.decode(Arrays.copyOf(p.getData(), p.getLength()));
      assertEquals(node.id(), assertInstanceOf(Response.class, m).sender());
      assertTrue(millis < 1_000, "ping took " + millis + " ms");
    }
  }

  /**
   * Sends {@code count} datagrams round-robin from the sources, in bursts, pausing while the
   * node is behind so that most datagrams reach it instead of the kernel's drop counter.
   *
   * @return how many were sent before the count or {@code maxMillis} ran out
   */
  private int flood(InetSocketAddress target, Corpus corpus, int count,
      TransportCounters counters, long maxMillis) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    long base = counters.received.sum();
    int sent = 0;
    while (sent < count && System.nanoTime() < deadline) {
      for (int i = 0; i < 64 && sent < count; i++) {
        byte[] d = corpus.next();
        try {
          sources.get(sent % SOURCES).send(new DatagramPacket(d, d.length, target));
        } catch (IOException busy) {
          // ENOBUFS and the like: the datagram is lost, as on a real network.
        }
        sent++;
      }
      // Let the node catch up to within a few hundred datagrams, or until it stops making
      // progress (the rest were dropped by the kernel), at most 20 ms per burst.
      long waitUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
      long last = -1;
      while (System.nanoTime() < waitUntil) {
        long got = counters.received.sum() - base;
        if (got >= sent - 256 || got == last) {
          break;
        }
        last = got;
        Thread.sleep(0, 500_000);
      }
    }
    return sent;
  }

  /** Waits until the node's receive counter stops moving for 300 ms. */
  private static void awaitQuiet(TransportCounters counters, long maxMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    long last = -1;
    while (System.nanoTime() < deadline) {
      long now = counters.received.sum();
      if (now == last) {
        return;
      }
      last = now;
      Thread.sleep(300);
    }
  }

  /** Heap in use after full collections: the least of several readings. */
  private static long settledHeapUsed() throws InterruptedException {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return min;
  }

  /** Hostile datagrams, all from one seed. */
  static final class Corpus {
    private static final String[] METHODS = {"ping", "find_node", "get_peers", "announce_peer",
        "get", "put", "sample_infohashes", "vote", ""};
    private static final String[] KEYS = {"id", "target", "info_hash", "port", "token",
        "implied_port", "want", "v", "k", "sig", "seq", "cas", "salt", "seed", "noseed", "scrape"};
    private final Random random;
    private final List<byte[]> valid = new ArrayList<>();
    private final List<InetAddress> loopback;

    Corpus(Random random, List<InetAddress> loopback) {
      this.random = random;
      this.loopback = loopback;
      NodeId id = NodeId.random(random);
      TransactionId t = TransactionId.of(new byte[] {'a', 'a'});
      BString token = BString.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
      List<QueryArgs> queries = List.of(new QueryArgs.Ping(),
          new QueryArgs.FindNode(NodeId.random(random), Want.BOTH),
          new QueryArgs.GetPeers(NodeId.random(random), Want.V4),
          new QueryArgs.AnnouncePeer(NodeId.random(random), 6881, true, token, true),
          new QueryArgs.Get(NodeId.random(random), 5L, Want.UNSPECIFIED),
          new QueryArgs.Put(token, BString.of("hello"), BString.of(new byte[32]),
              BString.of(new byte[64]), 1L, 0L, BString.of("salt")),
          new QueryArgs.SampleInfohashes(NodeId.random(random), Want.V4));
      for (QueryArgs a : queries) {
        valid.add(CODEC.encode(new Query(t, id, random.nextBoolean(), "XX01", a)));
      }
      List<Contact> nodes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        nodes.add(new Contact(NodeId.random(random), new InetSocketAddress(
            loopback.get(0), 20_000 + i)));
      }
      valid.add(CODEC.encode(Response.builder(t, id).nodes(nodes, List.of()).token(token)
          .values(List.of(new InetSocketAddress(loopback.get(0), 6881))).build()));
      valid.add(CODEC.encode(Response.builder(t, id).samples(List.of(NodeId.random(random)),
          60, 1).build()));
      valid.add(CODEC.encode(new ErrorReply(t, 201, "generic", "XX01")));
    }

    byte[] next() {
      int kind = random.nextInt(100);
      if (kind < 15) {
        return randomBytes(1 + random.nextInt(1_500));
      } else if (kind < 27) {
        byte[] v = pickValid();
        return Arrays.copyOf(v, random.nextInt(v.length));
      } else if (kind < 42) {
        byte[] v = pickValid().clone();
        for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
          v[random.nextInt(v.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return v;
      } else if (kind < 54) {
        return corruptLength(pickValid());
      } else if (kind < 59) {
        return bomb();
      } else if (kind < 64) {
        return hugeLength();
      } else if (kind < 84) {
        return bogusQuery();
      } else if (kind < 94) {
        return strayResponse();
      } else if (kind < 95) {
        return oversized();
      } else {
        // Valid queries from random ids: the node answers and learns them.
        return CODEC.encode(new Query(randomTid(), NodeId.random(random), random.nextBoolean(),
            null, random.nextBoolean() ? new QueryArgs.Ping()
                : new QueryArgs.FindNode(NodeId.random(random), Want.UNSPECIFIED)));
      }
    }

    private byte[] pickValid() {
      return valid.get(random.nextInt(valid.size()));
    }

    private byte[] randomBytes(int n) {
      byte[] b = new byte[n];
      random.nextBytes(b);
      return b;
    }

    private TransactionId randomTid() {
      return TransactionId.of(randomBytes(1 + random.nextInt(8)));
    }

    /** Rewrites one string length prefix to something else. */
    private byte[] corruptLength(byte[] v) {
      String s = new String(v, StandardCharsets.ISO_8859_1);
      List<int[]> prefixes = new ArrayList<>();
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) == ':' && i > 0 && Character.isDigit(s.charAt(i - 1))) {
          int start = i - 1;
          while (start > 0 && Character.isDigit(s.charAt(start - 1))) {
            start--;
          }
          prefixes.add(new int[] {start, i});
        }
      }
      int[] p = prefixes.get(random.nextInt(prefixes.size()));
      long old = Long.parseLong(s.substring(p[0], p[1]));
      String[] choices = {"0", String.valueOf(old + 1), String.valueOf(Math.max(0, old - 1)),
          "2147483648", "4294967296", "99999999999999999999", "01", "-1", "65536"};
      String replacement = choices[random.nextInt(choices.length)];
      return (s.substring(0, p[0]) + replacement + s.substring(p[1]))
          .getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] bomb() {
      switch (random.nextInt(6)) {
        case 0:
          return repeat("l", 10_000);
        case 1:
          return ("l".repeat(10_000) + "e".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
        case 2:
          return ("d1:a" + "l".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
        case 3:
          return ("d1:ad2:id" + "l".repeat(10_000) + "ee").getBytes(StandardCharsets.US_ASCII);
        case 4:
          // Many tiny elements: the element cap, not the depth cap.
          return ("d1:al" + "i1e".repeat(15_000) + "ee").getBytes(StandardCharsets.US_ASCII);
        default:
          return ("i" + "9".repeat(10_000) + "e").getBytes(StandardCharsets.US_ASCII);
      }
    }

    private static byte[] repeat(String s, int n) {
      return s.repeat(n).getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] hugeLength() {
      String[] forms = {"2147483648:", "d1:t2147483648:aa1:y1:qe", "d1:ad2:id4294967296:xee",
          "d1:t9223372036854775807:ab", "d1:t9223372036854775808:ab", "d1:t-1:ab",
          "d1:ad2:id20:aaaaaaaaaaaaaaaaaaaa6:target2147483647:e1:q9:find_node1:t2:aa1:y1:qe",
          "l4294967295:e", "d65537:"};
      return forms[random.nextInt(forms.length)].getBytes(StandardCharsets.US_ASCII);
    }

    /** A query-shaped dictionary whose fields have random types and sizes. */
    private byte[] bogusQuery() {
      BDictionary.Builder a = BDictionary.builder();
      for (int n = random.nextInt(6); n > 0; n--) {
        a.put(KEYS[random.nextInt(KEYS.length)], randomValue(0));
      }
      if (random.nextInt(3) > 0) {
        a.put("id", random.nextBoolean() ? randomBytes(20) : randomBytes(random.nextInt(40)));
      }
      BDictionary.Builder top = BDictionary.builder()
          .put("y", random.nextInt(10) == 0 ? randomValue(0) : BString.of("q"))
          .put("q", random.nextInt(10) == 0 ? randomValue(0)
              : BString.of(METHODS[random.nextInt(METHODS.length)]))
          .put("a", random.nextInt(10) == 0 ? randomValue(0) : a.build());
      if (random.nextInt(10) > 0) {
        top.put("t", random.nextInt(10) == 0 ? randomValue(0)
            : BString.of(randomBytes(random.nextInt(40))));
      }
      if (random.nextInt(4) == 0) {
        top.put("ro", randomValue(0));
      }
      if (random.nextInt(4) == 0) {
        top.put("v", randomValue(0));
      }
      return BEncoder.encode(top.build());
    }

    private BValue randomValue(int depth) {
      int kind = depth > 3 ? random.nextInt(2) : random.nextInt(4);
      switch (kind) {
        case 0: {
          long[] edges = {0, 1, -1, 65_535, 65_536, Long.MAX_VALUE, Long.MIN_VALUE,
              Integer.MAX_VALUE, Integer.MIN_VALUE, random.nextLong()};
          return new BInteger(edges[random.nextInt(edges.length)]);
        }
        case 1:
          return BString.of(randomBytes(random.nextBoolean() ? 20 : random.nextInt(70)));
        case 2: {
          List<BValue> items = new ArrayList<>();
          for (int n = random.nextInt(4); n > 0; n--) {
            items.add(randomValue(depth + 1));
          }
          return new BList(items);
        }
        default: {
          BDictionary.Builder d = BDictionary.builder();
          for (int n = random.nextInt(4); n > 0; n--) {
            d.put(KEYS[random.nextInt(KEYS.length)], randomValue(depth + 1));
          }
          return d.build();
        }
      }
    }

    /** A well-formed response or error with a tid nobody asked with. */
    private byte[] strayResponse() {
      NodeId id = NodeId.random(random);
      TransactionId tid = randomTid();
      if (random.nextInt(4) == 0) {
        return CODEC.encode(new ErrorReply(tid, 200 + random.nextInt(110), "stray", null));
      }
      List<Contact> nodes = new ArrayList<>();
      for (int n = random.nextInt(9); n > 0; n--) {
        nodes.add(new Contact(NodeId.random(random), new InetSocketAddress(
            loopback.get(0), 1 + random.nextInt(65_535))));
      }
      return CODEC.encode(Response.builder(tid, id).nodes(nodes, List.of())
          .token(BString.of(randomBytes(8))).build());
    }

    /** Up to the largest UDP payload: random bytes, or a valid-looking response. */
    private byte[] oversized() {
      int size = 1_500 + random.nextInt(65_507 - 1_500 + 1);
      if (random.nextBoolean()) {
        return randomBytes(size);
      }
      byte[] head = ("d1:rd2:id20:" + "x".repeat(20) + "5:nodes").getBytes(
          StandardCharsets.US_ASCII);
      String tail = "e1:t4:" + "zzzz" + "1:y1:re";
      int room = size - head.length - tail.length() - 7;
      String prefix = room + ":";
      byte[] out = new byte[head.length + prefix.length() + room + tail.length()];
      System.arraycopy(head, 0, out, 0, head.length);
      System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, out, head.length,
          prefix.length());
      // Zero bytes: node records with IP 0.0.0.0 and port 0, which parsers must drop.
      System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, out,
          head.length + prefix.length() + room, tail.length());
      return out;
    }
  }

  /**
   * Watches System.err (where slf4j-simple writes) for signs that an exception escaped the
   * pipeline, keeping a few sample lines; everything is passed through unchanged.
   */
  static final class ErrorCapture extends OutputStream {
    private final PrintStream original;
    private final StringBuilder line = new StringBuilder();
    private final List<String> samples = new ArrayList<>();

    private ErrorCapture(PrintStream original) {
      this.original = original;
    }

    static ErrorCapture install() {
      ErrorCapture c = new ErrorCapture(System.err);
      System.setErr(new PrintStream(c, true, StandardCharsets.UTF_8));
      return c;
    }

    void uninstall() {
      System.setErr(original);
    }

    synchronized List<String> samples() {
      return List.copyOf(samples);
    }

    @Override
    public synchronized void write(int b) {
      original.write(b);
      if (b == '\n') {
        String text = line.toString();
        line.setLength(0);
        for (String marker : ESCAPE_MARKERS) {
          if (text.contains(marker) && samples.size() < 5) {
            samples.add(text.length() > 300 ? text.substring(0, 300) : text);
            break;
          }
        }
      } else if (line.length() < 4_096) {
        line.append((char) (b & 0xff));
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = 0; i < len; i++) {
        write(b[off + i]);
      }
    }

    @Override
    public void flush() {
      original.flush();
    }
  }
}
