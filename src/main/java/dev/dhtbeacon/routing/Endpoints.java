package dev.dhtbeacon.routing;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact endpoint and node encodings (BEP 5, BEP 32) and {@code ip:port} text, without DNS.
 */
public final class Endpoints {
  /** Compact IPv4 endpoint length: 4 address bytes and 2 port bytes. */
  public static final int COMPACT_V4 = 6;
  /** Compact IPv6 endpoint length. */
  public static final int COMPACT_V6 = 18;
  /** Compact IPv4 node info: id and endpoint. */
  public static final int NODE_V4 = NodeId.LENGTH + COMPACT_V4;
  /** Compact IPv6 node info. */
  public static final int NODE_V6 = NodeId.LENGTH + COMPACT_V6;

  private Endpoints() {
  }

  /** 6 or 18 bytes, network byte order. */
  public static byte[] compact(InetSocketAddress address) {
    byte[] ip = address.getAddress().getAddress();
    byte[] out = new byte[ip.length + 2];
    System.arraycopy(ip, 0, out, 0, ip.length);
    out[ip.length] = (byte) (address.getPort() >> 8);
    out[ip.length + 1] = (byte) address.getPort();
    return out;
  }

  /** Parses a 6- or 18-byte compact endpoint; null for any other length. */
  public static InetSocketAddress fromCompact(byte[] bytes, int offset, int length) {
    if (length != COMPACT_V4 && length != COMPACT_V6) {
      return null;
    }
    byte[] ip = new byte[length - 2];
    System.arraycopy(bytes, offset, ip, 0, ip.length);
    int port = ((bytes[offset + ip.length] & 0xff) << 8) | (bytes[offset + ip.length + 1] & 0xff);
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }

  public static InetSocketAddress fromCompact(byte[] bytes) {
    return bytes == null ? null : fromCompact(bytes, 0, bytes.length);
  }

  /** Concatenated compact node infos of one family (26 or 38 bytes each). */
  public static byte[] compactNodes(List<Contact> contacts, boolean ipv6) {
    int each = ipv6 ? NODE_V6 : NODE_V4;
    ByteBuffer out = ByteBuffer.allocate(contacts.size() * each);
    for (Contact c : contacts) {
      if ((c.address().getAddress() instanceof Inet6Address) == ipv6) {
        out.put(c.id().bytes()).put(compact(c.address()));
      }
    }
    byte[] result = new byte[out.position()];
    out.flip().get(result);
    return result;
  }

  /**
   * Parses compact node infos; a length not a multiple of the record size yields the whole
   * records and ignores the tail. Port 0 entries are dropped (nobody listens there).
   */
  public static List<Contact> parseNodes(byte[] bytes, boolean ipv6) {
    int each = ipv6 ? NODE_V6 : NODE_V4;
    List<Contact> out = new ArrayList<>(bytes.length / each);
    for (int at = 0; at + each <= bytes.length; at += each) {
      InetSocketAddress address = fromCompact(bytes, at + NodeId.LENGTH, each - NodeId.LENGTH);
      if (address.getPort() != 0) {
        out.add(new Contact(NodeId.of(bytes, at), address));
      }
    }
    return out;
  }

  /** {@code ip:port}, or {@code [v6]:port} with the IPv6 text in RFC 5952 form. */
  public static String format(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    if (ip instanceof Inet6Address) {
      return "[" + formatV6(ip.getAddress()) + "]:" + address.getPort();
    }
    String host = ip == null ? address.getHostString() : ip.getHostAddress();
    return host + ":" + address.getPort();
  }

  /** RFC 5952 text: lower case, no leading zeros, the longest run of zero groups as "::". */
  static String formatV6(byte[] a) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = Math.max(j, i + 1);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  /**
   * Parses {@code ip:port} or {@code [v6]:port} where ip is a literal; never resolves a name.
   *
   * @throws IllegalArgumentException if the text is not an IP literal with a port in 1..65535
   */
  public static InetSocketAddress parse(String text) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("expected [ipv6]:port, got '" + text + "'");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || text.indexOf(':') != colon) {
        throw new IllegalArgumentException("expected ip:port, got '" + text + "'");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    return new InetSocketAddress(parseLiteral(host), parsePort(port, text));
  }

  /** Parses an IPv4 or IPv6 literal without any DNS lookup. */
  public static InetAddress parseLiteral(String host) {
    byte[] raw = host.contains(":") ? parseV6(host) : parseV4(host);
    if (raw == null) {
      throw new IllegalArgumentException("not an IP address literal: '" + host + "'");
    }
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }

  /** Whether {@code host} is an IP literal (so using it triggers no DNS lookup). */
  public static boolean isLiteral(String host) {
    return (host.contains(":") ? parseV6(host) : parseV4(host)) != null;
  }

  private static int parsePort(String port, String text) {
    try {
      int p = Integer.parseInt(port);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("bad port in '" + text + "'");
  }

  private static byte[] parseV4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
        return null;
      }
      int v = Integer.parseInt(parts[i]);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] parseV6(String host) {
    if (!host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      return null;
    }
    try {
      // With only hex digits, colons and dots, the JDK parses a literal and never does DNS.
      InetAddress a = InetAddress.getByName(host);
      return a instanceof Inet6Address ? a.getAddress() : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
