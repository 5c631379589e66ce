package dev.dhtbeacon.krpc;

import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BInteger;
import dev.dhtbeacon.bencode.BList;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.bencode.Hex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link KrpcCodec#decode}: whatever arrives, it returns a message or throws
 * {@link MalformedMessageException}, never anything else; and a message it returns is stable,
 * i.e. encoding it and decoding again gives an equal message and the same bytes.
 *
 * <p>Two generators, both seeded: byte-level mutations of valid messages, and type confusion,
 * which replaces, removes or adds KRPC keys in a valid message's tree with values of the wrong
 * type or length (an {@code id} of 19 bytes, a {@code sig} that is an integer, a {@code values}
 * that is a dictionary, ...) and re-encodes the tree canonically so the bencode layer accepts it.
 */
class KrpcCodecFuzzTest {
  private static final String[] KEYS = {"t", "y", "q", "a", "r", "e", "v", "ip", "ro", "id",
      "target", "info_hash", "want", "token", "port", "implied_port", "seed", "seq", "cas", "k",
      "sig", "salt", "nodes", "nodes6", "values", "samples", "interval", "num"};
  private static final int[] LENGTHS = {0, 1, 2, 4, 6, 18, 19, 20, 21, 26, 32, 33, 38, 52, 64, 65};
  private static final long[] INTEGERS = {0, 1, -1, 2, 6881, 65_535, 65_536, 21_601,
      Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};

  private final KrpcCodec codec = new KrpcCodec();

  @Test
  void byteMutationsAreDecodedOrRejectedCleanly() {
    KrpcFuzzMessages gen = new KrpcFuzzMessages(0xf022L);
    byte[][] seeds = new byte[512][];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = codec.encode(gen.next());
    }
    Random random = new Random(99);
    int[] outcome = new int[2];
    assertTimeout(Duration.ofSeconds(60), () -> {
      for (int i = 0; i < 100_000; i++) {
        outcome[check(KrpcFuzzMessages.mutate(seeds[random.nextInt(seeds.length)], random))]++;
      }
    });
    System.out.println("krpc byte fuzz: " + outcome[0] + " rejected, " + outcome[1] + " decoded");
    assertTrue(outcome[0] > 1000 && outcome[1] > 1000, Arrays.toString(outcome));
  }

  @Test
  void typeConfusionIsDecodedOrRejectedCleanly() {
    KrpcFuzzMessages gen = new KrpcFuzzMessages(0x7e5eL);
    Random random = gen.random();
    int[] outcome = new int[2];
    assertTimeout(Duration.ofSeconds(60), () -> {
      for (int i = 0; i < 100_000; i++) {
        BValue tree = codec.toBencode(gen.next());
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          tree = confuse(tree, random, 0);
        }
        outcome[check(BEncoder.encode(tree))]++;
      }
    });
    System.out.println("krpc type fuzz: " + outcome[0] + " rejected, " + outcome[1] + " decoded");
    assertTrue(outcome[0] > 1000 && outcome[1] > 1000, Arrays.toString(outcome));
  }

  /** 0 if rejected, 1 if decoded (and stable); fails on anything else. */
  private int check(byte[] input) {
    KrpcMessage m;
    try {
      m = codec.decode(input);
    } catch (MalformedMessageException expected) {
      return 0;
    } catch (Throwable t) {
      throw new AssertionError("threw " + t + " for " + Hex.encode(input), t);
    }
    byte[] once = codec.encode(m);
    KrpcMessage again;
    try {
      again = codec.decode(once);
    } catch (Throwable t) {
      throw new AssertionError("re-encoding of " + m + " is not decodable: " + t
          + "\ninput " + Hex.encode(input), t);
    }
    if (!m.equals(again) || !Arrays.equals(once, codec.encode(again))) {
      throw new AssertionError("unstable: " + m + " became " + again + "\ninput "
          + Hex.encode(input));
    }
    return 1;
  }

  /** Replaces, removes or adds one entry somewhere in the tree. */
  private BValue confuse(BValue value, Random random, int depth) {
    if (value instanceof BDictionary d && !d.entries().isEmpty() && depth < 3) {
      List<String> keys = new ArrayList<>(d.entries().keySet());
      String key = keys.get(random.nextInt(keys.size()));
      BDictionary.Builder b = BDictionary.builder();
      d.entries().forEach(b::put);
      int roll = random.nextInt(10);
      if (roll < 4 && (d.get(key) instanceof BDictionary || d.get(key) instanceof BList)) {
        b.put(key, confuse(d.get(key), random, depth + 1));
      } else if (roll < 7) {
        b.put(key, randomValue(random, 2));
      } else if (roll < 8) {
        BDictionary.Builder without = BDictionary.builder();
        d.entries().forEach((k, v) -> {
          if (!k.equals(key)) {
            without.put(k, v);
          }
        });
        return without.build();
      } else {
        b.put(KEYS[random.nextInt(KEYS.length)], randomValue(random, 2));
      }
      return b.build();
    }
    if (value instanceof BList l && !l.items().isEmpty()) {
      List<BValue> items = new ArrayList<>(l.items());
      items.set(random.nextInt(items.size()), randomValue(random, 1));
      return new BList(items);
    }
    return randomValue(random, 2);
  }

  private static BValue randomValue(Random random, int depth) {
    switch (random.nextInt(depth > 0 ? 5 : 3)) {
      case 0: {
        byte[] b = new byte[LENGTHS[random.nextInt(LENGTHS.length)]];
        random.nextBytes(b);
        return BString.of(b);
      }
      case 1: {
        String[] words = {"q", "r", "e", "x", "ping", "find_node", "get_peers", "announce_peer",
            "get", "put", "sample_infohashes", "n4", "n6"};
        return BString.of(words[random.nextInt(words.length)]);
      }
      case 2:
        return new BInteger(INTEGERS[random.nextInt(INTEGERS.length)]);
      case 3: {
        List<BValue> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          items.add(randomValue(random, depth - 1));
        }
        return new BList(items);
      }
      default: {
        BDictionary.Builder b = BDictionary.builder();
        for (int i = random.nextInt(4); i > 0; i--) {
          b.put(KEYS[random.nextInt(KEYS.length)], randomValue(random, depth - 1));
        }
        return b.build();
      }
    }
  }
}
