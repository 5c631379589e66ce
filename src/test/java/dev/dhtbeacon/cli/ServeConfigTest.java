package dev.dhtbeacon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --print-config} as a real process with a config file, environment variables
 * and flags: file &lt; environment &lt; flag, each value's source named, and bad files refused
 * with the line that is wrong. Nothing binds: print-config exits before the node starts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeConfigTest {
  @TempDir
  Path dir;

  @Test
  void fileLosesToEnvironmentWhichLosesToFlags() throws Exception {
    Path conf = dir.resolve("dhtbeacon.conf");
    Files.writeString(conf, String.join("\n",
        "# three options set in all three places, two in two, one only here",
        "dht-port = 31301",
        "interval = 11s",
        "data = /file/data   # trailing comment",
        "status_every = 7",
        "service-port = 31401",
        "boot = /file/.boot",
        "bootstrap = 127.0.206.1:31001,127.0.206.2:31001",
        ""), StandardCharsets.UTF_8);
    Map<String, String> env = Map.of(
        "DHTBEACON_DHT_PORT", "31302",
        "DHTBEACON_INTERVAL", "12s",
        "DHTBEACON_DATA", "/env/data",
        "DHTBEACON_STATUS_EVERY", "8",
        "DHTBEACON_HTTP", "127.0.206.9:31402");
    Result r = run(env, "serve", "--config", conf.toString(), "--print-config",
        "--dht-port", "31303", "--interval", "13s", "--data", "/flag/data",
        "--http", "127.0.206.10:31403");
    assertEquals(0, r.code, r.err);
    Map<String, String[]> lines = parse(r.out);
    assertEquals(List.of("31303", "flag"), List.of(lines.get("dht-port")), r.out);
    assertEquals(List.of("13s", "flag"), List.of(lines.get("interval")), r.out);
    assertEquals(List.of("/flag/data", "flag"), List.of(lines.get("data")), r.out);
    assertEquals(List.of("8", "environment DHTBEACON_STATUS_EVERY"),
        List.of(lines.get("status-every")), "env beats file");
    assertEquals(List.of("127.0.206.10:31403", "flag"), List.of(lines.get("http")),
        "flag beats env");
    assertEquals(List.of("31401", "file " + conf + ":6"), List.of(lines.get("service-port")));
    assertEquals(List.of("/file/.boot", "file " + conf + ":7"), List.of(lines.get("boot")));
    assertEquals(List.of("127.0.206.1:31001,127.0.206.2:31001", "file " + conf + ":8"),
        List.of(lines.get("bootstrap")));
    assertEquals(List.of("loopback", "environment DHTBEACON_NETWORK"),
        List.of(lines.get("network")));
    assertEquals(List.of("127.0.0.1", "default"), List.of(lines.get("bind")),
        "loopback mode's default bind");
    assertTrue(r.out.contains("# key = (not set)"), r.out);
    assertTrue(r.out.contains("# address = (not set)"), r.out);
    assertTrue(!r.out.contains("print-config") && !r.out.contains("config ="), r.out);

    // Without the flags: the environment wins over the file for the same three options.
    Result envOnly = run(env, "serve", "--config", conf.toString(), "--print-config");
    assertEquals(0, envOnly.code, envOnly.err);
    Map<String, String[]> e = parse(envOnly.out);
    assertEquals(List.of("31302", "environment DHTBEACON_DHT_PORT"), List.of(e.get("dht-port")));
    assertEquals(List.of("12s", "environment DHTBEACON_INTERVAL"), List.of(e.get("interval")));
    assertEquals(List.of("/env/data", "environment DHTBEACON_DATA"), List.of(e.get("data")));

    // Without the environment: the file, found through DHTBEACON_CONFIG.
    Result fileOnly = run(Map.of("DHTBEACON_CONFIG", conf.toString()), "serve",
        "--print-config");
    assertEquals(0, fileOnly.code, fileOnly.err);
    Map<String, String[]> f = parse(fileOnly.out);
    assertEquals(List.of("31301", "file " + conf + ":2"), List.of(f.get("dht-port")));
    assertEquals(List.of("11s", "file " + conf + ":3"), List.of(f.get("interval")));
    assertEquals(List.of("/file/data", "file " + conf + ":4"), List.of(f.get("data")));
    assertEquals(List.of("127.0.0.1:8080", "default"), List.of(f.get("http")));

    // The output is itself a config file that gives the same configuration.
    Path again = dir.resolve("again.conf");
    Files.writeString(again, r.out.replaceAll("(?m)^network = .*$", ""));
    Result reread = run(Map.of(), "serve", "--config", again.toString(), "--print-config");
    assertEquals(0, reread.code, reread.err);
    Map<String, String[]> g = parse(reread.out);
    for (String k : List.of("dht-port", "interval", "data", "status-every", "http", "boot")) {
      assertEquals(lines.get(k)[0], g.get(k)[0], k);
    }
  }

  @Test
  void theShippedSampleConfigParses() throws Exception {
    Path sample = Path.of("bootstrap", "dhtbeacon.conf.sample").toAbsolutePath();
    Result r = run(Map.of(), "serve", "--config", sample.toString(), "--print-config");
    assertEquals(0, r.code, r.err);
    Map<String, String[]> lines = parse(r.out);
    assertEquals("127.0.0.1:8080", lines.get("http")[0]);
    assertEquals("loopback", lines.get("network")[0], "the environment beats the sample");
    assertTrue(lines.get("boot")[1].startsWith("file " + sample + ":"), r.out);
  }

  @Test
  void badConfigIsAUsageErrorNamingTheLine() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "dht-port = 31301\nlisten = 1\n");
    Result unknown = run(Map.of(), "serve", "--config", conf.toString(), "--print-config");
    assertEquals(2, unknown.code, unknown.out);
    assertTrue(unknown.err.contains(conf + ":2: unknown key 'listen'"), unknown.err);

    Files.writeString(conf, "dht-port = lots\n");
    Result badValue = run(Map.of(), "serve", "--config", conf.toString(), "--print-config");
    assertEquals(2, badValue.code, badValue.out);
    assertTrue(badValue.err.contains("--dht-port") && badValue.err.contains("file " + conf
        + ":1"), badValue.err);

    Result badEnv = run(Map.of("DHTBEACON_INTERVAL", "soon"), "serve", "--print-config");
    assertEquals(2, badEnv.code, badEnv.out);
    assertTrue(badEnv.err.contains("environment DHTBEACON_INTERVAL"), badEnv.err);

    Result missing = run(Map.of(), "serve", "--config", dir.resolve("nope.conf").toString(),
        "--print-config");
    assertEquals(2, missing.code);
    assertTrue(missing.err.contains("cannot read config file"), missing.err);
  }

  private record Result(int code, String out, String err) {
  }

  /** key → {value, source} for every {@code key = value  # source} line. */
  private static Map<String, String[]> parse(String out) {
    Map<String, String[]> m = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int eq = line.indexOf(" = ");
      int hash = line.indexOf("  # ");
      m.put(line.substring(0, eq), new String[] {line.substring(eq + 3, hash),
          line.substring(hash + 4)});
    }
    return m;
  }

  /** Runs the CLI with {@code env} added to a loopback-mode environment. */
  private Result run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("DHTBEACON_"));
    pb.environment().put("DHTBEACON_NETWORK", "loopback");
    pb.environment().putAll(env);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("print-config did not exit");
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      p.destroyForcibly();
    }
  }
}
