package dev.dhtbeacon.krpc;

/** A KRPC error ({@code y = e}): a code such as 201–204 or a BEP 44 code, and a message. */
public record ErrorReply(TransactionId tid, int code, String message, String version)
    implements Reply {
  public static final int GENERIC = 201;
  public static final int SERVER = 202;
  public static final int PROTOCOL = 203;
  public static final int METHOD_UNKNOWN = 204;
  public static final int VALUE_TOO_BIG = 205;
  public static final int INVALID_SIGNATURE = 206;
  public static final int SALT_TOO_BIG = 207;
  public static final int CAS_MISMATCH = 301;
  public static final int SEQ_TOO_LOW = 302;
}
