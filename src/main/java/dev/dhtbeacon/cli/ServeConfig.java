package dev.dhtbeacon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code serve}'s settings from a config file and the environment, as picocli defaults, so
 * that a flag always wins: file &lt; environment &lt; flag.
 *
 * <p>The file has {@code key = value} lines, the key being a long option without its dashes
 * ({@code dht-port = 6881}; {@code _} works for {@code -}), {@code #} starting a comment at the
 * start of a line or after whitespace. A list option takes commas ({@code bootstrap =
 * 127.0.0.1:6881,127.0.0.2:6881}). An unknown or repeated key is an error naming the line.
 * The environment variable of a key is {@code DHTBEACON_} and the key in upper case with
 * {@code _} for {@code -} ({@code DHTBEACON_DHT_PORT}); empty variables count as unset.
 */
final class ServeConfig implements IDefaultValueProvider {
  /** Where the config file comes from when {@code --config} is not given. */
  static final String CONFIG_ENV = "DHTBEACON_CONFIG";
  private static final String ENV_PREFIX = "DHTBEACON_";

  /** A value and where it came from, for {@code --print-config}. */
  record Value(String text, String source) {
  }

  private final Map<String, Value> values;

  private ServeConfig(Map<String, Value> values) {
    this.values = values;
  }

  /**
   * Reads {@code file} (may be null) and the environment for {@code keys}.
   *
   * @throws IllegalArgumentException naming the file and line of a bad entry, or an unreadable
   *     file
   */
  static ServeConfig load(Path file, Map<String, String> env, Set<String> keys) {
    Map<String, Value> values = new LinkedHashMap<>();
    if (file != null) {
      values.putAll(readFile(file, keys));
    }
    for (String key : keys) {
      String name = envName(key);
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        values.put(key, new Value(v.strip(), "environment " + name));
      }
    }
    return new ServeConfig(values);
  }

  /** The option's key: its longest name without leading dashes. */
  static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    Value v = values.get(key(option));
    return v == null ? null : v.text();
  }

  /** The file or environment value of {@code key}, or null. */
  Value value(String key) {
    return values.get(key);
  }

  private static Map<String, Value> readFile(Path file, Set<String> keys) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": "
          + e.getMessage());
    }
    Map<String, Value> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String where = file + ":" + (i + 1);
      String line = stripComment(lines.get(i)).strip();
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(where + ": expected 'key = value', got '" + line
            + "'");
      }
      String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT).replace('_', '-');
      String value = line.substring(eq + 1).strip();
      if (!keys.contains(key)) {
        throw new IllegalArgumentException(where + ": unknown key '" + key + "' (keys are "
            + "serve's long options without dashes: " + String.join(", ", keys) + ")");
      }
      if (out.containsKey(key)) {
        throw new IllegalArgumentException(where + ": '" + key + "' is set twice");
      }
      if (!value.isEmpty()) {
        out.put(key, new Value(value, "file " + where));
      }
    }
    return out;
  }

  private static String stripComment(String line) {
    String s = line.stripLeading();
    if (s.startsWith("#")) {
      return "";
    }
    for (int i = 1; i < line.length(); i++) {
      if (line.charAt(i) == '#' && Character.isWhitespace(line.charAt(i - 1))) {
        return line.substring(0, i);
      }
    }
    return line;
  }
}
