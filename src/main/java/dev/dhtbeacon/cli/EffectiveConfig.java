package dev.dhtbeacon.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code serve --print-config}: one {@code key = value} line per option with its source as a
 * comment ({@code flag}, {@code environment DHTBEACON_X}, {@code file F:LINE} or
 * {@code default}); options nothing sets print as a commented-out line. The output is itself a
 * valid config file.
 */
final class EffectiveConfig {
  private EffectiveConfig() {
  }

  /**
   * @param implicit what an option without a declared default means when unset, or null
   */
  static void print(CommandSpec spec, ServeConfig config, Set<String> keys, PrintWriter out,
      Function<String, String> implicit) {
    ParseResult parsed = spec.commandLine().getParseResult();
    out.println("# dhtbeacon serve: effective configuration (file < environment < flag)");
    for (OptionSpec option : spec.options()) {
      String key = ServeConfig.key(option);
      if (!keys.contains(key)) {
        continue;
      }
      ServeConfig.Value fromConfig = config.value(key);
      if (parsed.hasMatchedOption(option)) {
        line(out, key, flagValue(option.stringValues()), "flag");
      } else if (fromConfig != null) {
        line(out, key, fromConfig.text(), fromConfig.source());
      } else if (option.defaultValue() != null) {
        line(out, key, option.defaultValue(), "default");
      } else if (implicit.apply(key) != null) {
        line(out, key, implicit.apply(key), "default");
      } else {
        out.println("# " + key + " = (not set)");
      }
    }
    out.flush();
  }

  private static String flagValue(List<String> values) {
    return String.join(",", values);
  }

  private static void line(PrintWriter out, String key, String value, String source) {
    out.println(key + " = " + value + "  # " + source);
  }
}
