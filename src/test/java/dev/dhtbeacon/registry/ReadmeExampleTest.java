package dev.dhtbeacon.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.krpc.NetworkMode;
import dev.dhtbeacon.node.Testnet;
import dev.dhtbeacon.routing.Endpoints;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code java} blocks compile against the real API, and the "As a library"
 * example publishes and resolves on a loopback testnet.
 *
 * <p>The wrapping is mechanical: a block's {@code import} lines stay on top, everything else
 * becomes the body of a class {@code ReadmeBlockN}. So a README block is imports plus member
 * declarations (the library example: one static method taking the bind and bootstrap
 * addresses).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReadmeExampleTest {
  private static final String FENCE_JAVA = "```java";
  private static final String FENCE = "```";

  @TempDir
  Path dir;

  @Test
  void everyJavaBlockCompilesAndTheLibraryExampleResolvesWhatItPublished() throws Exception {
    String readme = Files.readString(projectDir().resolve("README.md"), StandardCharsets.UTF_8);
    String library = section(readme, "## As a library");
    for (String api : List.of("DhtBeacon.builder()", ".start()", ".publish(", ".resolve(",
        ".startPublishing(", "close()")) {
      assertTrue(library.contains(api), "the library example does not show " + api);
    }
    List<String> blocks = javaBlocks(readme);
    assertFalse(javaBlocks(library).isEmpty(), "no ```java block under 'As a library'");

    Path classes = compile(blocks);

    try (Testnet net = Testnet.start(Testnet.Options.of(40)
            .withBase(Testnet.loopback(127, 0, 103, 1), 27003));
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
            getClass().getClassLoader())) {
      Method example = null;
      for (int i = 0; i < blocks.size(); i++) {
        for (Method m : loader.loadClass("ReadmeBlock" + i).getDeclaredMethods()) {
          if (m.getName().equals("publishAndResolve")) {
            example = m;
          }
        }
      }
      assertNotNull(example, "no publishAndResolve method in the README");
      Method run = example;
      run.setAccessible(true);
      InetSocketAddress bind = Endpoints.parse("127.0.105.1:27105");
      CompletableFuture<Object> result = CompletableFuture.supplyAsync(() -> {
        try {
          return run.invoke(null, bind, net.entryPoint());
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        } catch (InvocationTargetException e) {
          throw new AssertionError("the README example threw", e.getCause());
        }
      });
      ResolveResult found = (ResolveResult) result.get(90, TimeUnit.SECONDS);
      assertTrue(found.found(), "the example did not resolve its own record: " + found);
      assertEquals(List.of("127.0.0.9:6882"), found.addresses());
      assertTrue(found.seq() > 0);

      // And the record really is on the DHT: another node, no cache, sees the same item.
      try (DhtBeacon other = DhtBeacon.builder().network(NetworkMode.LOOPBACK)
          .bind(Endpoints.parse("127.0.105.2:27106"))
          .bootstrap(List.of(net.entryPoint()))
          .cacheTtl(Duration.ZERO)
          .build().start().get(30, TimeUnit.SECONDS)) {
        ResolveResult again = other.resolve(found.key()).get(30, TimeUnit.SECONDS);
        assertTrue(again.found());
        assertEquals(found.seq(), again.seq());
        assertEquals(found.addresses(), again.addresses());
      }
    }
  }

  /** Compiles every block, wrapped, with the test class path; fails listing the errors. */
  private Path compile(List<String> blocks) throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "tests must run on a JDK");
    Path src = Files.createDirectories(dir.resolve("src"));
    Path out = Files.createDirectories(dir.resolve("classes"));
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Path file = src.resolve("ReadmeBlock" + i + ".java");
      Files.writeString(file, wrap(blocks.get(i), "ReadmeBlock" + i));
      files.add(file);
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter log = new StringWriter();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(log, fm, diagnostics, List.of("-classpath",
              System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none",
              "--release", "17", "-Xlint:all,-path,-processing", "-Werror"), null,
              fm.getJavaFileObjectsFromPaths(files)).call();
      StringBuilder report = new StringBuilder(log.toString());
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        report.append(d.getSource() == null ? "" : d.getSource().getName()).append(':')
            .append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT))
            .append('\n');
      }
      assertTrue(ok, "a README java block does not compile:\n" + report);
    }
    return out;
  }

  /** Imports on top, everything else inside {@code class name}. */
  static String wrap(String block, String name) {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : block.split("\n", -1)) {
      (line.startsWith("import ") ? imports : body).append(line).append('\n');
    }
    return imports + "\nfinal class " + name + " {\n" + body + "}\n";
  }

  /** The text of the {@code heading} section, up to the next heading of level 2. */
  static String section(String markdown, String heading) {
    int start = markdown.indexOf(heading + "\n");
    assertTrue(start >= 0, "README has no section " + heading);
    int end = markdown.indexOf("\n## ", start + heading.length());
    return markdown.substring(start, end < 0 ? markdown.length() : end);
  }

  /** The contents of every {@code ```java} fenced block. */
  static List<String> javaBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    StringBuilder current = null;
    for (String line : markdown.split("\n", -1)) {
      if (current == null) {
        if (line.strip().equals(FENCE_JAVA)) {
          current = new StringBuilder();
        }
      } else if (line.strip().equals(FENCE)) {
        blocks.add(current.toString());
        current = null;
      } else {
        current.append(line).append('\n');
      }
    }
    assertTrue(current == null, "unterminated ```java block");
    return blocks;
  }

  private static Path projectDir() {
    // Surefire sets basedir; an IDE usually runs tests from the project directory.
    return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  }
}
