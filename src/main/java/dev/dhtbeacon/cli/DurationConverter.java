package dev.dhtbeacon.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Parses {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or a bare number of seconds. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(java.util.Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return positive(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
      }
      long n = Long.parseLong(v.replaceAll("[smh]$", ""));
      Duration d = v.endsWith("m") ? Duration.ofMinutes(n)
          : v.endsWith("h") ? Duration.ofHours(n) : Duration.ofSeconds(n);
      return positive(d, value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad duration '" + value + "' (use e.g. 500ms, 10s, 2m)");
    }
  }

  private static Duration positive(Duration d, String value) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("duration must be positive: '" + value + "'");
    }
    return d;
  }
}
