package dev.dhtbeacon.crypto;

import static dev.dhtbeacon.crypto.Bep44Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ZBase32} against Pkarr's published keys, round trips and bad input. */
class ZBase32Test {
  private static final String ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";

  @Test
  void pkarrsZeroSeedKey() {
    byte[] key = hex(Bep44Vectors.PKARR_PUBLIC_KEY);
    assertEquals(Bep44Vectors.PKARR_PUBLIC_KEY_ZBASE32, ZBase32.encode(key));
    assertArrayEquals(key, ZBase32.decode(Bep44Vectors.PKARR_PUBLIC_KEY_ZBASE32, 32));
  }

  @Test
  void pkarrsSecondKey() {
    byte[] key = hex(Bep44Vectors.ZBASE32_OTHER_HEX);
    assertEquals(Bep44Vectors.ZBASE32_OTHER, ZBase32.encode(key));
    assertArrayEquals(key, ZBase32.decode(Bep44Vectors.ZBASE32_OTHER, 32));
  }

  @Test
  void aKeyIs52Characters() {
    assertEquals(52, ZBase32.encode(new byte[32]).length());
    assertEquals("y".repeat(52), ZBase32.encode(new byte[32]));
  }

  @Test
  void randomRoundTripsOfEveryLength() {
    Random random = new Random(32);
    for (int length = 0; length <= 40; length++) {
      for (int i = 0; i < 50; i++) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        String text = ZBase32.encode(data);
        assertEquals((length * 8 + 4) / 5, text.length());
        assertTrue(text.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0), text);
        assertArrayEquals(data, ZBase32.decode(text, length), text);
      }
    }
  }

  @Test
  void charactersOutsideTheAlphabetAreRejected() {
    String good = Bep44Vectors.PKARR_PUBLIC_KEY_ZBASE32;
    // Not in z-base32: 0, l, v, 2, upper case, punctuation, non-ASCII.
    for (char bad : new char[] {'0', 'l', 'v', '2', 'Y', 'A', '-', ' ',
        '=', 'é', '\u0000', '\uffff'}) {
      String text = bad + good.substring(1);
      assertThrows(IllegalArgumentException.class, () -> ZBase32.decode(text, 32),
          () -> "accepted '" + bad + "'");
      String last = good.substring(0, 51) + bad;
      assertThrows(IllegalArgumentException.class, () -> ZBase32.decode(last, 32));
    }
  }

  @Test
  void wrongLengthsAreRejected() {
    String good = Bep44Vectors.PKARR_PUBLIC_KEY_ZBASE32;
    assertThrows(IllegalArgumentException.class, () -> ZBase32.decode(good.substring(1), 32));
    assertThrows(IllegalArgumentException.class, () -> ZBase32.decode(good + "y", 32));
    assertThrows(IllegalArgumentException.class, () -> ZBase32.decode("", 32));
    assertThrows(IllegalArgumentException.class, () -> ZBase32.decode(good, 31));
    assertThrows(IllegalArgumentException.class, () -> ZBase32.decode(good, 33));
  }

  @Test
  void nonZeroPaddingBitsAreRejected() {
    // 32 bytes = 256 bits in 52 characters (260 bits): the last character carries 4 padding
    // bits. 'o' is 16 = 0b10000 (1 data bit, zero padding); 'n' is 2 = 0b00010 (padding set).
    String good = Bep44Vectors.PKARR_PUBLIC_KEY_ZBASE32;
    assertEquals('o', good.charAt(51));
    String badPadding = good.substring(0, 51) + 'n';
    assertThrows(IllegalArgumentException.class, () -> ZBase32.decode(badPadding, 32));
  }
}
