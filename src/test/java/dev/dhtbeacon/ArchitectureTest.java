package dev.dhtbeacon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Imports point downward only (DESIGN.md): bencode ← routing ← krpc ← lookup, storage ← node
 * ← registry, crawl ← service, report ← cli; packages on one level never import each other;
 * store/ imports none of registry, crawl, service; and no ByteBuf leaves krpc/.
 */
class ArchitectureTest {
  private static final Map<String, Integer> LEVEL = Map.ofEntries(
      Map.entry("bencode", 0), Map.entry("routing", 1), Map.entry("crypto", 1),
      Map.entry("krpc", 2),
      Map.entry("lookup", 3), Map.entry("storage", 3), Map.entry("node", 4),
      Map.entry("store", 4), Map.entry("registry", 5), Map.entry("crawl", 5),
      Map.entry("service", 6), Map.entry("report", 6), Map.entry("cli", 7));
  private static final Pattern IMPORT = Pattern.compile(
      "^import (?:static )?dev\\.dhtbeacon\\.(\\w+)\\.", Pattern.MULTILINE);
  private static final Path MAIN = Path.of("src/main/java/dev/dhtbeacon");

  @Test
  void importsPointDownward() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      String pkg = MAIN.relativize(file).getName(0).toString();
      assertTrue(LEVEL.containsKey(pkg), "package " + pkg + " has no level in DESIGN.md");
      Matcher m = IMPORT.matcher(Files.readString(file));
      while (m.find()) {
        String target = m.group(1);
        if (target.equals(pkg)) {
          continue;
        }
        boolean storeRule = pkg.equals("store")
            && List.of("registry", "crawl", "service").contains(target);
        if (LEVEL.get(target) >= LEVEL.get(pkg) || storeRule) {
          violations.add(MAIN.relativize(file) + " imports " + target);
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void noNettyBufferOutsideKrpc() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      String pkg = MAIN.relativize(file).getName(0).toString();
      if (!pkg.equals("krpc") && Files.readString(file).contains("io.netty.buffer")) {
        violations.add(MAIN.relativize(file).toString());
      }
    }
    assertEquals(List.of(), violations);
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> MAIN.relativize(p).getNameCount() > 1).toList();
    }
  }
}
