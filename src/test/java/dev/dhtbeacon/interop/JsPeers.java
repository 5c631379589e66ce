package dev.dhtbeacon.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * webtorrent's {@code bittorrent-dht} nodes in a child {@code node} process running
 * {@code src/test/js/peer.mjs}: one command line in, one JSON line out. Every address handed to
 * it is in 127.0.0.0/8 (the script refuses anything else and never uses the library's default,
 * public, bootstrap routers). {@link #close} ends the process, forcibly if it must.
 */
final class JsPeers implements AutoCloseable {
  /** Where package.json, peer.mjs and node_modules live (tests run from the project root). */
  static final Path DIR = Path.of("src", "test", "js").toAbsolutePath();
  /** How long the script may live at most, whatever happens to this JVM. */
  private static final int MAX_SECONDS = 120;

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> stderr = new ArrayList<>();
  private final Map<String, Object> ready;

  private JsPeers(Process process, Duration readyTimeout) throws InterruptedException {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    drain(process.getInputStream(), "peer.mjs-stdout", line -> lines.add(line));
    drain(process.getErrorStream(), "peer.mjs-stderr", line -> {
      synchronized (stderr) {
        stderr.add(line);
      }
    });
    String first = lines.poll(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
    if (first == null || !first.startsWith("READY ")) {
      throw new IllegalStateException("peer.mjs did not print READY within " + readyTimeout
          + " (got " + first + "); stderr: " + stderr());
    }
    this.ready = MiniJson.object(first.substring("READY ".length()));
  }

  /** The {@code node} executable on PATH, or null. */
  static Path nodeExecutable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "node");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Whether {@code npm ci} has run in {@link #DIR} (src/test/js/install.sh). */
  static boolean installed() {
    return Files.isDirectory(DIR.resolve("node_modules").resolve("bittorrent-dht"))
        && Files.isDirectory(DIR.resolve("node_modules").resolve("@noble").resolve("ed25519"));
  }

  /** Starts one bittorrent-dht node per {@code bind} address and waits for READY. */
  static JsPeers start(List<InetSocketAddress> bind, List<InetSocketAddress> bootstrap,
      Duration readyTimeout) throws IOException, InterruptedException {
    List<String> command = List.of(nodeExecutable().toString(), "peer.mjs",
        "--bind", format(bind), "--bootstrap", format(bootstrap),
        "--ready-timeout-ms", Long.toString(readyTimeout.toMillis()),
        "--command-timeout-ms", "15000",
        "--max-seconds", Integer.toString(MAX_SECONDS));
    ProcessBuilder pb = new ProcessBuilder(command).directory(DIR.toFile());
    pb.environment().remove("DEBUG");
    pb.environment().remove("NODE_OPTIONS");
    Process process = pb.start();
    try {
      return new JsPeers(process, readyTimeout.plusSeconds(5));
    } catch (RuntimeException | InterruptedException e) {
      stop(process);
      throw e;
    }
  }

  /** The READY line's stats: {@code nodes} (id, address, known, items, targets), {@code refusedSends}. */
  Map<String, Object> ready() {
    return ready;
  }

  /** Sends one command and returns its JSON answer. */
  Map<String, Object> command(String line, Duration timeout)
      throws IOException, InterruptedException {
    stdin.write(line + "\n");
    stdin.flush();
    String answer = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (answer == null) {
      throw new IllegalStateException("peer.mjs gave no answer to '" + line + "' within "
          + timeout + "; alive " + process.isAlive() + "; stderr: " + stderr());
    }
    return MiniJson.object(answer);
  }

  String stderr() {
    synchronized (stderr) {
      return stderr.stream().collect(Collectors.joining(" | "));
    }
  }

  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // the process may be gone already
    }
    stop(process);
  }

  private static void stop(Process process) {
    try {
      if (!process.waitFor(3, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String format(List<InetSocketAddress> addresses) {
    return addresses.stream().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
        .collect(Collectors.joining(","));
  }

  private static void drain(InputStream in, String name,
      java.util.function.Consumer<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          sink.accept(line);
        }
      } catch (IOException ignored) {
        // stream closed with the process
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }
}
