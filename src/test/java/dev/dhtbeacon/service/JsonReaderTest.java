package dev.dhtbeacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
  @Test
  void readsBackWhatTheWriterWrites() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", "ab\"c\\\n\t\u0001é");
    m.put("found", true);
    m.put("seq", 1_795_293_796_910_000L);
    m.put("none", null);
    m.put("addresses", List.of("127.0.0.9:6882", "[::1]:1"));
    m.put("nested", Map.of("x", -1.5));
    m.put("nan", Double.NaN);
    Object back = JsonReader.parse(Json.write(m));
    Map<String, Object> expected = new LinkedHashMap<>(m);
    expected.put("nan", null);
    assertEquals(expected, back);
    assertEquals(List.copyOf(m.keySet()), List.copyOf(((Map<?, ?>) back).keySet()),
        "document order");
  }

  @Test
  void rejectsMalformedAndTooDeepInput() {
    for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "tru", "\"x", "{} x", "01x")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> JsonReader.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("bad JSON at offset"), e.getMessage());
    }
    char[] deep = new char[10_000];
    Arrays.fill(deep, '[');
    assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(new String(deep)));
  }
}
