package dev.dhtbeacon.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for {@code serve}'s {@code /resolve/KEY} (a harness, not a JMH benchmark:
 * the server is another process). Each of N threads keeps one HTTP/1.1 keep-alive connection
 * and sends requests back to back (closed loop) over the given keys in turn; after a warm-up
 * (which also fills the service's resolve cache) it counts requests and records every
 * latency, then prints requests per second and p50/p90/p99/p99.9/max. Any answer but 200 is
 * counted as an error. Bounded: stops after the duration or 8 million recorded requests.
 *
 * <p>Run (see BENCHMARKS.md "Service"):
 * <pre>
 * mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *     -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     dev.dhtbeacon.bench.HttpResolveLoad 127.0.216.1:31240 4 20 KEY1,KEY2,...
 * </pre>
 * The host must be a loopback address.
 */
public final class HttpResolveLoad {
  /** Latencies kept (8 bytes each), shared out among the threads; the run stops there. */
  private static final int MAX_RECORDED = 8_000_000;
  private static final long WARMUP_NANOS = 3_000_000_000L;

  private HttpResolveLoad() {
  }

  public static void main(String[] args) throws Exception {
    String[] hostPort = args[0].split(":");
    InetSocketAddress server = new InetSocketAddress(hostPort[0],
        Integer.parseInt(hostPort[1]));
    if (!server.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("load goes to loopback only, not " + server);
    }
    int threads = Integer.parseInt(args[1]);
    long seconds = Long.parseLong(args[2]);
    String[] keys = args[3].split(",");
    long[][] latencies = new long[threads][];
    int[] counts = new int[threads];
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(threads);
    long start = System.nanoTime();
    long measureFrom = start + WARMUP_NANOS;
    long end = measureFrom + seconds * 1_000_000_000L;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      latencies[t] = new long[MAX_RECORDED / threads];
      Thread w = new Thread(() -> {
        try {
          counts[id] = run(server, keys, id, latencies[id], measureFrom, end, errors);
        } catch (IOException e) {
          System.err.println("worker " + id + ": " + e);
          errors.incrementAndGet();
        } finally {
          done.countDown();
        }
      }, "load-" + t);
      workers.add(w);
      w.start();
    }
    done.await();
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(latencies[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    System.out.printf(Locale.ROOT, "%d threads, %d keys, %d s: %d requests, %.0f req/s, "
            + "errors %d; latency ms p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f%n",
        threads, keys.length, seconds, total, total / (double) seconds, errors.get(),
        pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), pct(all, 0.999),
        all.length == 0 ? 0 : all[all.length - 1] / 1e6);
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1,
        Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  private static int run(InetSocketAddress server, String[] keys, int id, long[] latencies,
      long measureFrom, long end, AtomicLong errors) throws IOException {
    int n = 0;
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(server, 5_000);
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 16_384);
      String host = server.getAddress().getHostAddress() + ":" + server.getPort();
      for (long i = id; n < latencies.length; i++) {
        long sent = System.nanoTime();
        if (sent >= end) {
          break;
        }
        String key = keys[(int) (i % keys.length)];
        out.write(("GET /resolve/" + key + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int status = readResponse(in);
        long took = System.nanoTime() - sent;
        if (status != 200) {
          errors.incrementAndGet();
        }
        if (sent >= measureFrom) {
          latencies[n++] = took;
        }
      }
    }
    return n;
  }

  /** Reads one response (status line, headers, Content-Length body); returns the status. */
  private static int readResponse(InputStream in) throws IOException {
    String status = line(in);
    int code = Integer.parseInt(status.split(" ")[1]);
    int length = -1;
    for (String h; !(h = line(in)).isEmpty(); ) {
      if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(h.substring(15).strip());
      }
    }
    if (length < 0) {
      throw new IOException("response without Content-Length");
    }
    for (long skipped = 0; skipped < length; ) {
      long s = in.skip(length - skipped);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new IOException("connection closed mid-body");
        }
        s = 1;
      }
      skipped += s;
    }
    return code;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }
}
