package dev.dhtbeacon.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.Hex;
import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** BEP 42 test vectors (pure computation: nothing is sent to these addresses). */
class Bep42Test {

  /** Builds an id as in the BEP's table: the given 3-byte prefix, filler, then {@code rand}. */
  private static NodeId vectorId(String prefix, int rand) {
    byte[] b = new byte[NodeId.LENGTH];
    System.arraycopy(Hex.decode(prefix), 0, b, 0, 3);
    for (int i = 3; i < 19; i++) {
      b[i] = (byte) (0x5a ^ i);
    }
    b[19] = (byte) rand;
    return NodeId.of(b);
  }

  @ParameterizedTest
  @CsvSource({
      "124.31.75.21, 1, 5fbfbf",
      "21.75.31.124, 86, 5a3ce9",
      "65.23.51.170, 22, a5d432",
      "84.124.73.14, 65, 1b0321",
      "43.213.53.83, 90, e56f6c",
  })
  void bepVectorsAreValid(String ip, int rand, String prefix) {
    InetAddress address = Endpoints.parseLiteral(ip);
    NodeId id = vectorId(prefix, rand);
    assertTrue(Bep42.isValid(id, address));
    assertFalse(Bep42.isExempt(address));
    // Flipping any of the 21 checked bits, or the 3 random bits in the last byte, breaks it.
    for (int bit = 0; bit < 21; bit++) {
      assertFalse(Bep42.isValid(id.withBit(bit, !id.bit(bit)), address), "bit " + bit);
    }
    assertFalse(Bep42.isValid(id.withBit(159, !id.bit(159)), address));
    // The bits after the 21st are free.
    assertTrue(Bep42.isValid(id.withBit(21, !id.bit(21)), address));
    assertTrue(Bep42.isValid(id.withBit(100, !id.bit(100)), address));
  }

  @Test
  void generatedIdsMatchTheVectorsForTheSameRandomBits() {
    InetAddress address = Endpoints.parseLiteral("124.31.75.21");
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      NodeId id = Bep42.generate(address, random);
      assertTrue(Bep42.isValid(id, address));
      if ((id.bytes()[19] & 7) == 1) {
        // Same r as the first vector, so the same 21-bit prefix 5fbfb8.
        byte[] b = id.bytes();
        assertEquals(0x5f, b[0] & 0xff);
        assertEquals(0xbf, b[1] & 0xff);
        assertEquals(0xb8, b[2] & 0xf8);
      }
    }
    assertFalse(Bep42.isValid(Bep42.generate(address, random), Endpoints.parseLiteral("21.75.31.124")));
  }

  @Test
  void ipv6UsesTheFirst8BytesOnly() {
    InetAddress a = Endpoints.parseLiteral("2001:db8:1:2:3:4:5:6");
    InetAddress sameNetwork = Endpoints.parseLiteral("2001:db8:1:2:ffff::1");
    InetAddress other = Endpoints.parseLiteral("2001:db9:1:2:3:4:5:6");
    Random random = new Random(43);
    int rejected = 0;
    for (int i = 0; i < 50; i++) {
      NodeId id = Bep42.generate(a, random);
      assertTrue(Bep42.isValid(id, a));
      assertTrue(Bep42.isValid(id, sameNetwork));
      rejected += Bep42.isValid(id, other) ? 0 : 1;
    }
    assertTrue(rejected >= 49, "different /64 prefixes should nearly never share an id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.3.4",
      "127.0.0.1", "127.45.6.7", "::1", "fc00::1", "fdff:1::2", "fe80::1", "febf::1"})
  void localAddressesAreExempt(String ip) {
    InetAddress address = Endpoints.parseLiteral(ip);
    assertTrue(Bep42.isExempt(address));
    assertTrue(Bep42.isValid(NodeId.zero(), address));
  }

  @ParameterizedTest
  @ValueSource(strings = {"11.1.2.3", "172.32.0.1", "172.15.0.1", "192.169.1.1", "169.253.3.4",
      "128.0.0.1", "2001:db8::1", "fec0::1", "fb00::1"})
  void otherAddressesAreNotExempt(String ip) {
    assertFalse(Bep42.isExempt(Endpoints.parseLiteral(ip)));
  }
}
