package dev.dhtbeacon.cli;

/** The commands' JSON writer; it lives in service/, which the HTTP endpoints share. */
final class Json {
  private Json() {
  }

  static String write(Object value) {
    return dev.dhtbeacon.service.Json.write(value);
  }
}
