package dev.dhtbeacon.krpc;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Datagrams by direction, message type and KRPC method, error replies by code, and timeouts
 * by method. Fixed tables, so metrics can register every series up front and a peer cannot
 * grow them: method names outside {@link #METHODS} count as {@code other}, and so do codes
 * outside {@link #ERROR_CODES}.
 *
 * <p>Written on the node's event loop, read from anywhere.
 */
public final class PacketCounters {
  /** Which way a datagram went. */
  public enum Direction {
    IN, OUT;

    /** The metric label: {@code in} or {@code out}. */
    public String label() {
      return this == IN ? "in" : "out";
    }
  }

  /** The KRPC message type ({@code y}). */
  public enum Type {
    QUERY, RESPONSE, ERROR;

    /** The metric label: {@code query}, {@code response} or {@code error}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Methods counted by name; the last entry takes everything else. */
  public static final List<String> METHODS = List.of("ping", "find_node", "get_peers",
      "announce_peer", "get", "put", "sample_infohashes", "other");
  /** Error codes counted by number (BEP 5 and BEP 44); others count as {@code other}. */
  public static final List<Integer> ERROR_CODES = List.of(201, 202, 203, 204, 205, 206, 207,
      301, 302);

  private static final int TYPES = Type.values().length;
  private final LongAdder[] packets = adders(2 * TYPES * METHODS.size());
  private final LongAdder[] errors = adders(2 * (ERROR_CODES.size() + 1));
  private final LongAdder[] timeouts = adders(METHODS.size());

  /** Counts one datagram; {@code method} may be null (unknown) or any string. */
  public void packet(Direction direction, Type type, String method) {
    packets[packetIndex(direction, type, methodIndex(method))].increment();
  }

  /** Counts one error reply with {@code code}. */
  public void error(Direction direction, int code) {
    errors[errorIndex(direction, code)].increment();
  }

  /** Counts one query to {@code method} that got no answer in time. */
  public void timeout(String method) {
    timeouts[methodIndex(method)].increment();
  }

  /** Datagrams counted for a {@link #METHODS} label. */
  public long packets(Direction direction, Type type, String methodLabel) {
    return packets[packetIndex(direction, type, methodIndex(methodLabel))].sum();
  }

  /** Error replies counted for {@code code}; any code outside {@link #ERROR_CODES}: others. */
  public long errors(Direction direction, int code) {
    return errors[errorIndex(direction, code)].sum();
  }

  /** Timeouts counted for a {@link #METHODS} label. */
  public long timeouts(String methodLabel) {
    return timeouts[methodIndex(methodLabel)].sum();
  }

  /** The label {@code method} is counted under. */
  public static String methodLabel(String method) {
    return METHODS.get(methodIndex(method));
  }

  private static int methodIndex(String method) {
    int i = method == null ? -1 : METHODS.indexOf(method);
    return i < 0 ? METHODS.size() - 1 : i;
  }

  private static int packetIndex(Direction d, Type t, int method) {
    return (d.ordinal() * TYPES + t.ordinal()) * METHODS.size() + method;
  }

  private static int errorIndex(Direction d, int code) {
    int i = ERROR_CODES.indexOf(code);
    return d.ordinal() * (ERROR_CODES.size() + 1) + (i < 0 ? ERROR_CODES.size() : i);
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }
}
