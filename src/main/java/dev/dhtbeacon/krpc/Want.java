package dev.dhtbeacon.krpc;

/**
 * BEP 32 {@code want}: which address families' nodes the querier asks for. When absent, a
 * node answers with its own family (the querier's).
 */
public record Want(boolean v4, boolean v6) {
  public static final Want UNSPECIFIED = new Want(false, false);
  public static final Want V4 = new Want(true, false);
  public static final Want V6 = new Want(false, true);
  public static final Want BOTH = new Want(true, true);

  public boolean specified() {
    return v4 || v6;
  }
}
