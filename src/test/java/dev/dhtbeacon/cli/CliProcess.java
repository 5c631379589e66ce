package dev.dhtbeacon.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code dhtbeacon} as a real child JVM, started from the test class path (the shaded jar does
 * not exist during {@code mvn test}). Always in loopback mode: the environment gets
 * {@code DHTBEACON_NETWORK=loopback} whatever the arguments say. stdout and stderr are drained
 * on daemon threads into line buffers that tests poll with a deadline.
 */
final class CliProcess implements AutoCloseable {
  private final Process process;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final Thread outReader;
  private final Thread errReader;

  private CliProcess(Process process, String name) {
    this.process = process;
    this.outReader = drain(process.getInputStream(), out, name + "-stdout");
    this.errReader = drain(process.getErrorStream(), err, name + "-stderr");
  }

  /** Starts {@code java -cp <test class path> dev.dhtbeacon.cli.Main args...}. */
  static CliProcess start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("DHTBEACON_NETWORK", "loopback");
    String name = args.length == 0 ? "dhtbeacon" : args[0];
    return new CliProcess(pb.start(), name);
  }

  /** Runs a command that should end by itself and returns its exit code (-1 on timeout). */
  static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
    try (CliProcess p = start(args)) {
      int code = p.waitForExit(timeout);
      return new Result(code, String.join("\n", p.stdout()), String.join("\n", p.stderr()));
    }
  }

  /** What a finished command printed. */
  record Result(int exitCode, String stdout, String stderr) {
  }

  Process process() {
    return process;
  }

  List<String> stdout() {
    synchronized (out) {
      return List.copyOf(out);
    }
  }

  List<String> stderr() {
    synchronized (err) {
      return List.copyOf(err);
    }
  }

  /** The first stdout line matching {@code wanted} within {@code timeout}, or null. */
  String awaitStdout(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    return await(out, wanted, timeout);
  }

  /** The first stderr line matching {@code wanted} within {@code timeout}, or null. */
  String awaitStderr(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    return await(err, wanted, timeout);
  }

  /**
   * Sends SIGTERM; returns the exit code, or -1 if it did not exit within {@code timeout}.
   * Through the {@link ProcessHandle}: {@link Process#destroy()} also closes our ends of the
   * pipes at once, which would lose everything the process logs while shutting down.
   */
  int terminate(Duration timeout) throws InterruptedException {
    process.toHandle().destroy();
    return waitForExit(timeout);
  }

  /**
   * Sends SIGKILL (no shutdown hooks run: a crash); returns the exit code (137), or -1 if it
   * did not exit within {@code timeout}. Through the handle, so output read so far is kept.
   */
  int kill(Duration timeout) throws InterruptedException {
    process.toHandle().destroyForcibly();
    return waitForExit(timeout);
  }

  /** Waits for exit and for the output readers to reach end of stream; -1 on timeout. */
  int waitForExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return -1;
    }
    outReader.join(2_000);
    errReader.join(2_000);
    return process.exitValue();
  }

  /**
   * Asks the JVM for a thread dump (SIGQUIT; it prints the dump on its stdout and runs on),
   * waits a moment for it to be read, and returns the transcript: for a process that hangs.
   */
  String transcriptWithThreadDump() throws IOException, InterruptedException {
    if (process.isAlive()) {
      new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).inheritIO().start()
          .waitFor(5, TimeUnit.SECONDS);
      Thread.sleep(1_000);
    }
    return transcript();
  }

  /** Output so far, for assertion messages. */
  String transcript() {
    return "--- stdout\n" + String.join("\n", stdout()) + "\n--- stderr\n"
        + String.join("\n", stderr());
  }

  /** SIGTERM, then SIGKILL if it has not gone after 10 s. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.toHandle().destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static String await(List<String> lines, Predicate<String> wanted, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      int seen = 0;
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (wanted.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  private static Thread drain(InputStream in, List<String> into, String name) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (into) {
            into.add(line);
            into.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // The process went away; what was read stays in the buffer.
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
