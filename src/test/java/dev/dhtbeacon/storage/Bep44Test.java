package dev.dhtbeacon.storage;

import static dev.dhtbeacon.crypto.Bep44Vectors.ascii;
import static dev.dhtbeacon.crypto.Bep44Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.crypto.Bep44Vectors;
import dev.dhtbeacon.crypto.Ed25519;
import org.junit.jupiter.api.Test;

/** {@link Bep44} signed buffers and targets, byte for byte against the BEP 44 vectors. */
class Bep44Test {
  private static final byte[] HELLO = ascii(Bep44Vectors.HELLO_ENCODED);
  private static final byte[] KEY = hex(Bep44Vectors.BEP44_PUBLIC_KEY);

  @Test
  void theHelloValueIsTheBencodedString() {
    assertArrayEquals(HELLO, BEncoder.encode(BString.of("Hello World!")));
  }

  @Test
  void vectorOneSignedBuffer() {
    byte[] buffer = Bep44.signedBuffer(null, Bep44Vectors.BEP44_SEQ, HELLO);
    assertArrayEquals(ascii(Bep44Vectors.V1_BUFFER), buffer);
    assertTrue(Ed25519.verify(KEY, buffer, hex(Bep44Vectors.V1_SIGNATURE)));
  }

  @Test
  void anEmptySaltIsNoSalt() {
    assertArrayEquals(ascii(Bep44Vectors.V1_BUFFER),
        Bep44.signedBuffer(new byte[0], Bep44Vectors.BEP44_SEQ, HELLO));
  }

  @Test
  void vectorTwoSignedBufferWithSalt() {
    byte[] buffer = Bep44.signedBuffer(ascii(Bep44Vectors.V2_SALT), Bep44Vectors.BEP44_SEQ,
        HELLO);
    assertArrayEquals(ascii(Bep44Vectors.V2_BUFFER), buffer);
    assertTrue(Ed25519.verify(KEY, buffer, hex(Bep44Vectors.V2_SIGNATURE)));
  }

  @Test
  void pkarrSignedBufferWithALargeSeqAndBinaryValue() {
    byte[] v = hex(Bep44Vectors.PKARR_V);
    byte[] encoded = new byte[4 + v.length];
    System.arraycopy(ascii("152:"), 0, encoded, 0, 4);
    System.arraycopy(v, 0, encoded, 4, v.length);
    assertArrayEquals(Bep44Vectors.pkarrBuffer(),
        Bep44.signedBuffer(null, Bep44Vectors.PKARR_SEQ, encoded));
  }

  @Test
  void negativeAndLongSeqAreWrittenAsBencodeIntegers() {
    assertArrayEquals(ascii("3:seqi0e1:v0:"), Bep44.signedBuffer(null, 0, ascii("0:")));
    assertArrayEquals(ascii("3:seqi9223372036854775807e1:vi7e"),
        Bep44.signedBuffer(null, Long.MAX_VALUE, ascii("i7e")));
    assertArrayEquals(ascii("4:salt1:\u00003:seqi-1e1:vle"),
        Bep44.signedBuffer(new byte[1], -1, ascii("le")));
  }

  @Test
  void vectorOneTarget() {
    assertEquals(Bep44Vectors.V1_TARGET, Bep44.mutableTarget(KEY, null).hex());
    assertEquals(Bep44Vectors.V1_TARGET, Bep44.mutableTarget(KEY, new byte[0]).hex());
  }

  @Test
  void vectorTwoSaltedTarget() {
    assertEquals(Bep44Vectors.V2_TARGET,
        Bep44.mutableTarget(KEY, ascii(Bep44Vectors.V2_SALT)).hex());
  }

  @Test
  void immutableTarget() {
    assertEquals(Bep44Vectors.IMMUTABLE_TARGET, Bep44.immutableTarget(HELLO).hex());
  }

  @Test
  void limits() {
    assertEquals(1000, Bep44.MAX_VALUE_BYTES);
    assertEquals(64, Bep44.MAX_SALT_BYTES);
  }
}
