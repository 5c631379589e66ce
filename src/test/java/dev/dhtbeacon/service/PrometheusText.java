package dev.dhtbeacon.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: {@code # HELP},
 * {@code # TYPE} and {@code name{labels} value [timestamp]} lines. It rejects what a scraper
 * would: a sample whose family has no TYPE (or comes after another family started), a bad
 * metric or label name, a bad escape, a value that is not a float, a duplicate series.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "summary", "histogram",
      "untyped");
  private static final List<String> SUFFIXES = List.of("", "_total", "_count", "_sum",
      "_bucket", "_created");

  /** One sample. */
  public record Sample(String name, Map<String, String> labels, double value) {
  }

  private final Map<String, String> types = new LinkedHashMap<>();
  private final Map<String, String> help = new HashMap<>();
  private final List<Sample> samples = new ArrayList<>();

  private PrometheusText() {
  }

  /**
   * @throws IllegalArgumentException naming the line that breaks the format
   */
  public static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    Set<String> series = new java.util.HashSet<>();
    String current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + ": '" + line + "'";
      if (line.isEmpty()) {
        if (i != lines.length - 1) {
          throw new IllegalArgumentException(where + ": empty line inside the exposition");
        }
        continue;
      }
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        require(NAME.matcher(parts[0]).matches(), where, "bad metric name");
        if (line.startsWith("# TYPE ")) {
          require(parts.length == 2 && TYPES.contains(parts[1]), where, "bad type");
          require(!p.types.containsKey(parts[0]), where, "second TYPE for the family");
          p.types.put(parts[0], parts[1]);
          current = parts[0];
        } else {
          p.help.put(parts[0], parts.length == 2 ? parts[1] : "");
        }
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Sample s = sample(line, where);
      require(current != null && familyOf(s.name(), current), where,
          "sample outside its TYPE block");
      require(series.add(s.name() + new TreeMap<>(s.labels())), where, "duplicate series");
      p.samples.add(s);
    }
    require(!p.samples.isEmpty(), "exposition", "no samples");
    return p;
  }

  private static boolean familyOf(String sample, String family) {
    for (String suffix : SUFFIXES) {
      if (sample.equals(family + suffix)
          || family.endsWith("_total") && sample.equals(family)) {
        return true;
      }
    }
    return false;
  }

  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( -?\\d+)?");

  private static Sample sample(String line, String where) {
    Matcher m = SAMPLE.matcher(line);
    require(m.matches(), where, "not 'name{labels} value [timestamp]'");
    Map<String, String> labels = m.group(3) == null ? Map.of() : labels(m.group(3), where);
    return new Sample(m.group(1), labels, value(m.group(4), where));
  }

  private static Map<String, String> labels(String text, String where) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    while (i < text.length()) {
      int eq = text.indexOf('=', i);
      require(eq > i, where, "label without '='");
      String name = text.substring(i, eq);
      require(LABEL.matcher(name).matches(), where, "bad label name '" + name + "'");
      require(eq + 1 < text.length() && text.charAt(eq + 1) == '"', where, "unquoted value");
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      while (true) {
        require(j < text.length(), where, "unterminated label value");
        char c = text.charAt(j++);
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          require(j < text.length(), where, "dangling escape");
          char e = text.charAt(j++);
          require(e == '\\' || e == '"' || e == 'n', where, "bad escape \\" + e);
          value.append(e == 'n' ? '\n' : e);
        } else {
          value.append(c);
        }
      }
      require(out.put(name, value.toString()) == null, where, "repeated label " + name);
      if (j < text.length()) {
        require(text.charAt(j) == ',', where, "expected ',' between labels");
        j++;
      }
      i = j;
    }
    return out;
  }

  private static double value(String text, String where) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(where + ": bad value '" + text + "'");
        }
    }
  }

  private static void require(boolean ok, String where, String what) {
    if (!ok) {
      throw new IllegalArgumentException(where + ": " + what);
    }
  }

  /** Family name → type, in document order. */
  public Map<String, String> types() {
    return types;
  }

  public List<Sample> samples() {
    return samples;
  }

  /**
   * The value of the one sample named {@code name} whose labels include {@code labels}
   * ({@code "k", "v", ...}).
   *
   * @throws AssertionError unless exactly one sample matches
   */
  public double value(String name, String... labels) {
    List<Sample> found = new ArrayList<>();
    for (Sample s : samples) {
      boolean match = s.name().equals(name);
      for (int i = 0; match && i < labels.length; i += 2) {
        match = labels[i + 1].equals(s.labels().get(labels[i]));
      }
      if (match) {
        found.add(s);
      }
    }
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " samples match " + name + " "
          + List.of(labels));
    }
    return found.get(0).value();
  }

  /** The sum over every sample named {@code name} with the given labels. */
  public double sum(String name, String... labels) {
    double total = 0;
    for (Sample s : samples) {
      boolean match = s.name().equals(name);
      for (int i = 0; match && i < labels.length; i += 2) {
        match = labels[i + 1].equals(s.labels().get(labels[i]));
      }
      if (match) {
        total += s.value();
      }
    }
    return total;
  }
}
