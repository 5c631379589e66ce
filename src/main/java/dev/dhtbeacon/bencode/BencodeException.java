package dev.dhtbeacon.bencode;

/** Input is not strict, bounded bencode. The only exception {@link BDecoder} throws. */
public final class BencodeException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int offset;

  public BencodeException(String message, int offset) {
    super(message + " at offset " + offset, null, false, false);
    this.offset = offset;
  }

  /** Where in the input the problem was found. */
  public int offset() {
    return offset;
  }
}
