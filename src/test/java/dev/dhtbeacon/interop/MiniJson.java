package dev.dhtbeacon.interop;

import dev.dhtbeacon.service.JsonReader;
import java.util.Map;

/**
 * The one-line JSON answers of {@code peer.mjs} and {@code dhtbeacon --json} as maps, read with
 * the service's own {@link JsonReader} (numbers {@link Long} or {@link Double}).
 */
final class MiniJson {
  private MiniJson() {
  }

  /** Parses one JSON object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String text) {
    Object value = JsonReader.parse(text.strip());
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("not one JSON object: " + text);
    }
    return (Map<String, Object>) value;
  }
}
