package dev.dhtbeacon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Debian's {@code chromium}, headless, for tests that render a page: installed by
 * {@code src/test/chromium/install.sh} (CI runs it in its fetch phase). Every run gets a fresh
 * profile and HOME under the test's directory, no network features (the page is a local
 * file; CI's test phase has only loopback anyway), and at most {@link #TIMEOUT}; after that
 * the browser and its helper processes are killed and the test fails.
 */
final class HeadlessChromium {
  /** Debian's path; the system property {@code dhtbeacon.chromium} overrides it. */
  static final Path BINARY = Path.of(System.getProperty("dhtbeacon.chromium",
      "/usr/bin/chromium"));
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> FLAGS = List.of("--headless", "--no-sandbox",
      "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-default-apps", "--disable-extensions", "--hide-scrollbars");

  private final Path workDir;
  private int runs;

  private HeadlessChromium(Path workDir) {
    this.workDir = workDir;
  }

  /**
   * A browser whose profiles go under {@code workDir}. Without {@link #BINARY} the test is
   * skipped on a developer machine but fails under {@code CI=true}, so CI cannot skip it
   * silently.
   */
  static HeadlessChromium require(Path workDir) {
    if (!Files.isExecutable(BINARY)) {
      String why = BINARY + " is missing; install it with: bash src/test/chromium/install.sh";
      if ("true".equals(System.getenv("CI"))) {
        fail(why + " (CI=true: this test may not be skipped)");
      }
      assumeTrue(false, why);
    }
    return new HeadlessChromium(workDir);
  }

  /** The DOM of {@code page} once loaded (after any script), serialised as HTML. */
  String dumpDom(Path page) throws IOException, InterruptedException {
    Path out = run(List.of("--dump-dom", page.toUri().toString()));
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  /** A screenshot of {@code page} in a window of {@code width}×{@code height} CSS pixels. */
  BufferedImage screenshot(Path page, int width, int height)
      throws IOException, InterruptedException {
    Path png = workDir.resolve("screenshot-" + (runs + 1) + ".png");
    run(List.of("--screenshot=" + png, "--window-size=" + width + "," + height,
        page.toUri().toString()));
    assertTrue(Files.size(png) > 0, "chromium wrote no screenshot");
    return ImageIO.read(png.toFile());
  }

  /** Runs chromium with {@code args}; returns the file holding its stdout. */
  private Path run(List<String> args) throws IOException, InterruptedException {
    Path home = Files.createDirectories(workDir.resolve("chromium-" + ++runs));
    List<String> command = new ArrayList<>();
    command.add(BINARY.toString());
    command.addAll(FLAGS);
    command.add("--user-data-dir=" + home.resolve("profile"));
    command.addAll(args);
    Path stdout = home.resolve("stdout");
    Path stderr = home.resolve("stderr");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    // Whatever it writes outside the profile (NSS database, caches) stays in the test's dir.
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      fail("chromium did not finish within " + TIMEOUT + ": " + command + "\n" + tail(stderr));
    }
    assertEquals(0, p.exitValue(), "chromium failed: " + command + "\n" + tail(stderr));
    return stdout;
  }

  private static String tail(Path file) throws IOException {
    // Not readAllLines: chromium's log may hold bytes that are not UTF-8.
    List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines()
        .toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
