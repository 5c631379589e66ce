package dev.dhtbeacon.krpc;

import java.util.Locale;

/**
 * Which network a node may talk to. In {@link #LOOPBACK} the transport refuses every
 * destination outside 127.0.0.0/8 and ::1, and no host name is ever resolved.
 */
public enum NetworkMode {
  MAINLINE,
  LOOPBACK;

  /** The environment variable that sets the default mode. */
  public static final String ENV = "DHTBEACON_NETWORK";

  /**
   * Parses {@code mainline} or {@code loopback}, any case.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static NetworkMode parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "network must be 'mainline' or 'loopback', got '" + text + "'");
    }
  }

  /** The mode named by {@code DHTBEACON_NETWORK}, or {@code fallback} when it is unset. */
  public static NetworkMode fromEnvironment(NetworkMode fallback) {
    String value = System.getenv(ENV);
    return value == null || value.isBlank() ? fallback : parse(value);
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
