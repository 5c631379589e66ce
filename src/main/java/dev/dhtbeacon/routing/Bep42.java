package dev.dhtbeacon.routing;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * BEP 42 node id security: the top 21 bits of a node id are a CRC32C of the node's masked
 * external IP and 3 random bits, which are stored in the id's last byte. An attacker then cannot
 * pick ids close to a target without owning many addresses.
 *
 * <p>Local and private addresses are exempt, since they carry no scarcity (and our testnet runs
 * on loopback).
 */
public final class Bep42 {
  private static final byte[] V4_MASK = {0x03, 0x0f, 0x3f, (byte) 0xff};
  private static final byte[] V6_MASK = {0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, (byte) 0xff};

  private Bep42() {
  }

  /**
   * Whether {@code id} is a valid BEP 42 id for {@code ip}; always true for exempt addresses.
   */
  public static boolean isValid(NodeId id, InetAddress ip) {
    if (isExempt(ip)) {
      return true;
    }
    byte[] b = id.bytes();
    int crc = crc(ip, b[19] & 7);
    return b[0] == (byte) (crc >>> 24)
        && b[1] == (byte) (crc >>> 16)
        && (b[2] & 0xf8) == ((crc >>> 8) & 0xf8);
  }

  /**
   * A fresh id valid for {@code ip} (for exempt addresses too: the check still holds for them,
   * it is just not required).
   */
  public static NodeId generate(InetAddress ip, Random random) {
    byte[] b = new byte[NodeId.LENGTH];
    random.nextBytes(b);
    int rand = b[19] & 0xff;
    int crc = crc(ip, rand & 7);
    b[0] = (byte) (crc >>> 24);
    b[1] = (byte) (crc >>> 16);
    b[2] = (byte) (((crc >>> 8) & 0xf8) | (b[2] & 7));
    return NodeId.of(b);
  }

  /**
   * Whether BEP 42 does not apply to {@code ip}: IPv4 10/8, 172.16/12, 192.168/16, 169.254/16,
   * 127/8; IPv6 ::1, fc00::/7, fe80::/10. Unspecified addresses count as exempt too, since no
   * node can prove anything about them.
   */
  public static boolean isExempt(InetAddress ip) {
    byte[] a = ip.getAddress();
    int b0 = a[0] & 0xff;
    int b1 = a[1] & 0xff;
    if (ip instanceof Inet4Address) {
      return b0 == 10 || b0 == 127 || b0 == 0
          || (b0 == 172 && (b1 & 0xf0) == 16)
          || (b0 == 192 && b1 == 168)
          || (b0 == 169 && b1 == 254);
    }
    return ip.isLoopbackAddress() || ip.isAnyLocalAddress()
        || (b0 & 0xfe) == 0xfc
        || (b0 == 0xfe && (b1 & 0xc0) == 0x80);
  }

  /** CRC32C of the masked IP (4 bytes for v4, first 8 for v6) with {@code r} in the top 3 bits. */
  private static int crc(InetAddress ip, int r) {
    byte[] addr = ip.getAddress();
    byte[] mask = ip instanceof Inet6Address ? V6_MASK : V4_MASK;
    byte[] masked = new byte[mask.length];
    for (int i = 0; i < mask.length; i++) {
      masked[i] = (byte) (addr[i] & mask[i]);
    }
    masked[0] |= (byte) (r << 5);
    CRC32C crc = new CRC32C();
    crc.update(masked, 0, masked.length);
    return (int) crc.getValue();
  }
}
