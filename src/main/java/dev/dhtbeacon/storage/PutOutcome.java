package dev.dhtbeacon.storage;

/**
 * The result of a put on our store: stored (code 0) or a KRPC error code with its message.
 */
public record PutOutcome(int code, String message) {
  public static final PutOutcome STORED = new PutOutcome(0, "stored");

  public boolean stored() {
    return code == 0;
  }
}
