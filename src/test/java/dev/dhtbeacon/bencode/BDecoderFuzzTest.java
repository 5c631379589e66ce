package dev.dhtbeacon.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dhtbeacon.krpc.KrpcCodec;
import dev.dhtbeacon.krpc.KrpcFuzzMessages;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the decoder, seeded so that a failure reproduces. Seeds are valid KRPC
 * messages of every kind; each case applies one to three random edits. Decoding must either
 * succeed or throw {@link BencodeException}, never any other Throwable; and since the decoder
 * accepts only canonical input, every accepted input must re-encode to the identical bytes, and
 * {@code raw(key)} must equal the encoding of each value.
 */
class BDecoderFuzzTest {
  private static final int CASES = 200_000;
  private static final int SEEDS = 512;

  @Test
  void mutatedMessagesAreRejectedCleanlyOrAcceptedCanonically() {
    KrpcFuzzMessages gen = new KrpcFuzzMessages(0xbe_c0deL);
    KrpcCodec codec = new KrpcCodec();
    byte[][] seeds = new byte[SEEDS][];
    for (int i = 0; i < SEEDS; i++) {
      seeds[i] = codec.encode(gen.next());
    }
    BDecoder decoder = new BDecoder();
    Random random = new Random(20_240_601L);
    int[] outcome = new int[2];
    assertTimeout(Duration.ofSeconds(60), () -> {
      for (int i = 0; i < CASES; i++) {
        byte[] input = KrpcFuzzMessages.mutate(seeds[random.nextInt(SEEDS)], random);
        BValue value;
        try {
          value = decoder.decode(input);
        } catch (BencodeException expected) {
          outcome[0]++;
          continue;
        } catch (Throwable t) {
          throw new AssertionError("case " + i + " threw " + t + " for " + Hex.encode(input), t);
        }
        outcome[1]++;
        byte[] again = BEncoder.encode(value);
        if (!java.util.Arrays.equals(input, again)) {
          fail("case " + i + " accepted non-canonical input " + Hex.encode(input)
              + " re-encoded as " + Hex.encode(again));
        }
        if (value instanceof BDictionary d) {
          for (Map.Entry<String, BValue> e : d.entries().entrySet()) {
            assertArrayEquals(BEncoder.encode(e.getValue()), d.raw(e.getKey()));
          }
        }
      }
    });
    System.out.println("bencode fuzz: " + outcome[0] + " rejected, " + outcome[1] + " accepted");
    // Both branches must be exercised for the test to mean anything.
    assertTrue(outcome[0] > CASES / 10, "rejected " + outcome[0]);
    assertTrue(outcome[1] > CASES / 100, "accepted " + outcome[1]);
  }

  @Test
  void randomBytesAreRejectedCleanly() {
    BDecoder decoder = new BDecoder();
    Random random = new Random(7);
    byte[] alphabet = "dlie:0123456789-x".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i < 50_000; i++) {
      byte[] input = new byte[random.nextInt(64)];
      for (int j = 0; j < input.length; j++) {
        input[j] = alphabet[random.nextInt(alphabet.length)];
      }
      try {
        BValue value = decoder.decode(input);
        assertArrayEquals(input, BEncoder.encode(value));
      } catch (BencodeException expected) {
        // fine
      } catch (Throwable t) {
        throw new AssertionError("threw " + t + " for " + Hex.encode(input), t);
      }
    }
  }
}
