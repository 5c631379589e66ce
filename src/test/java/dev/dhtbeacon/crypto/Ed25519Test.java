package dev.dhtbeacon.crypto;

import static dev.dhtbeacon.crypto.Bep44Vectors.ascii;
import static dev.dhtbeacon.crypto.Bep44Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.Hex;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Ed25519} against the published Pkarr and BEP 44 vectors. */
class Ed25519Test {
  private static final byte[] BEP44_KEY = hex(Bep44Vectors.BEP44_PUBLIC_KEY);

  @Test
  void theZeroSeedGivesPkarrsPublicKey() {
    byte[] pk = Ed25519.publicKey(hex(Bep44Vectors.PKARR_SEED));
    assertEquals(Bep44Vectors.PKARR_PUBLIC_KEY, Hex.encode(pk));
  }

  @Test
  void signingPkarrsBufferGivesItsPublishedSignature() {
    byte[] seed = hex(Bep44Vectors.PKARR_SEED);
    byte[] pk = Ed25519.publicKey(seed);
    byte[] buffer = Bep44Vectors.pkarrBuffer();
    assertEquals(30 + 152, buffer.length, "3:seqi1697016827303000e1:v152: is 30 bytes");
    byte[] sig = Ed25519.sign(seed, pk, buffer);
    assertEquals(Bep44Vectors.PKARR_SIGNATURE, Hex.encode(sig));
    assertTrue(Ed25519.verify(pk, buffer, sig));
  }

  @Test
  void bep44VectorOneVerifies() {
    assertTrue(Ed25519.verify(BEP44_KEY, ascii(Bep44Vectors.V1_BUFFER),
        hex(Bep44Vectors.V1_SIGNATURE)));
  }

  @Test
  void bep44VectorTwoWithSaltVerifies() {
    assertTrue(Ed25519.verify(BEP44_KEY, ascii(Bep44Vectors.V2_BUFFER),
        hex(Bep44Vectors.V2_SIGNATURE)));
  }

  @Test
  void theVectorsDoNotVerifyAgainstEachOthersBuffers() {
    assertFalse(Ed25519.verify(BEP44_KEY, ascii(Bep44Vectors.V1_BUFFER),
        hex(Bep44Vectors.V2_SIGNATURE)));
    assertFalse(Ed25519.verify(BEP44_KEY, ascii(Bep44Vectors.V2_BUFFER),
        hex(Bep44Vectors.V1_SIGNATURE)));
  }

  @Test
  void everySingleFlippedBitFailsVerification() {
    byte[] message = ascii(Bep44Vectors.V1_BUFFER);
    byte[] sig = hex(Bep44Vectors.V1_SIGNATURE);
    for (int bit = 0; bit < sig.length * 8; bit++) {
      assertFalse(Ed25519.verify(BEP44_KEY, message, flip(sig, bit)), "signature bit " + bit);
    }
    for (int bit = 0; bit < message.length * 8; bit++) {
      assertFalse(Ed25519.verify(BEP44_KEY, flip(message, bit), sig), "message bit " + bit);
    }
    for (int bit = 0; bit < BEP44_KEY.length * 8; bit++) {
      assertFalse(Ed25519.verify(flip(BEP44_KEY, bit), message, sig), "key bit " + bit);
    }
    // And the untouched inputs still verify (the loop did not mutate them).
    assertTrue(Ed25519.verify(BEP44_KEY, message, sig));
  }

  @Test
  void wrongLengthsAndNullsAreFalseNotExceptions() {
    byte[] message = ascii(Bep44Vectors.V1_BUFFER);
    byte[] sig = hex(Bep44Vectors.V1_SIGNATURE);
    assertFalse(Ed25519.verify(Arrays.copyOf(BEP44_KEY, 31), message, sig));
    assertFalse(Ed25519.verify(Arrays.copyOf(BEP44_KEY, 33), message, sig));
    assertFalse(Ed25519.verify(new byte[0], message, sig));
    assertFalse(Ed25519.verify(BEP44_KEY, message, Arrays.copyOf(sig, 63)));
    assertFalse(Ed25519.verify(BEP44_KEY, message, Arrays.copyOf(sig, 65)));
    assertFalse(Ed25519.verify(BEP44_KEY, message, new byte[0]));
    assertFalse(Ed25519.verify(null, message, sig));
    assertFalse(Ed25519.verify(BEP44_KEY, message, null));
  }

  @Test
  void garbageKeysAndSignaturesAreFalseNotExceptions() {
    Random random = new Random(25519);
    byte[] message = ascii(Bep44Vectors.V1_BUFFER);
    byte[] allOnes = new byte[32];
    Arrays.fill(allOnes, (byte) 0xff);
    assertFalse(Ed25519.verify(allOnes, message, hex(Bep44Vectors.V1_SIGNATURE)));
    byte[] bigS = hex(Bep44Vectors.V1_SIGNATURE);
    Arrays.fill(bigS, 32, 64, (byte) 0xff); // S ≥ the group order
    assertFalse(Ed25519.verify(BEP44_KEY, message, bigS));
    for (int i = 0; i < 200; i++) {
      byte[] pk = new byte[32];
      byte[] sig = new byte[64];
      random.nextBytes(pk);
      random.nextBytes(sig);
      assertFalse(Ed25519.verify(pk, message, sig));
    }
  }

  @Test
  void freshKeysSignAndVerifyAnyMessage() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 20; i++) {
      byte[] seed = Ed25519.newSeed(random);
      assertEquals(32, seed.length);
      byte[] pk = Ed25519.publicKey(seed);
      byte[] message = new byte[i * 50];
      random.nextBytes(message);
      byte[] sig = Ed25519.sign(seed, pk, message);
      assertEquals(64, sig.length);
      assertTrue(Ed25519.verify(pk, message, sig));
      assertArrayEquals(sig, Ed25519.sign(seed, pk, message), "Ed25519 is deterministic");
      assertFalse(Ed25519.verify(Ed25519.publicKey(Ed25519.newSeed(random)), message, sig));
    }
  }

  @Test
  void signingRejectsWrongSeedAndKeyLengths() {
    byte[] seed = new byte[32];
    byte[] pk = Ed25519.publicKey(seed);
    assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKey(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKey(null));
    assertThrows(IllegalArgumentException.class, () -> Ed25519.sign(new byte[33], pk,
        new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> Ed25519.sign(seed, new byte[31],
        new byte[1]));
  }

  private static byte[] flip(byte[] data, int bit) {
    byte[] copy = data.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }
}
