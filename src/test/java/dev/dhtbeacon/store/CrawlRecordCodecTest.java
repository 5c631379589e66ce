package dev.dhtbeacon.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BEncoder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Binary node and infohash records, and the bencoded ones older files hold. */
class CrawlRecordCodecTest {
  private static final String ID = "0123456789abcdef0123456789abcdef01234567";
  private static final byte[] V6 = new byte[16];
  private final BDecoder decoder = new BDecoder();

  static {
    V6[15] = 1;
  }

  private static List<CrawlNode> nodes() {
    return List.of(
        CrawlNode.discovered(ID, new byte[] {127, 0, 1, 2}, 6881, true, 1_000),
        new CrawlNode(ID, V6, 65_535, "LT\u00ff\u0000", 12, 1_000, 2_000, 1_900, false, true, 1,
            Long.MAX_VALUE, 21_600, 2, 7),
        new CrawlNode(ID, new byte[] {10, 0, 0, 1}, 1, "", -1, 5, 0, 0, true, false, 0, -1, -1,
            0, -1));
  }

  @Test
  void nodesRoundTripThroughTheBinaryLayout() {
    for (CrawlNode n : nodes()) {
      byte[] bytes = CrawlRecordCodec.encode(n);
      assertEquals(n, CrawlRecordCodec.decodeNode(ID, bytes, decoder));
    }
  }

  @Test
  void bencodedNodesOfOlderFilesAreStillRead() {
    for (CrawlNode n : nodes()) {
      byte[] old = BEncoder.encode(n.toBencode());
      assertEquals(n, CrawlRecordCodec.decodeNode(ID, old, decoder));
    }
  }

  @Test
  void infohashesRoundTripInBothFormats() {
    byte[] reporter = new byte[20];
    Arrays.fill(reporter, (byte) 0xab);
    CrawlInfohash h = CrawlInfohash.first(reporter, 1_000).reportedBy(new byte[20], 2_000);
    for (byte[] bytes : List.of(CrawlRecordCodec.encode(h), BEncoder.encode(h.toBencode()))) {
      CrawlInfohash back = CrawlRecordCodec.decodeInfohash(bytes, decoder);
      assertEquals(h.firstSeenMillis(), back.firstSeenMillis());
      assertEquals(h.lastSeenMillis(), back.lastSeenMillis());
      assertEquals(2, back.reporters());
      assertArrayEquals(h.recentReporters(), back.recentReporters());
    }
  }

  @Test
  void truncatedOrUnknownRecordsAreRefusedWithAClearError() {
    byte[] node = CrawlRecordCodec.encode(nodes().get(1));
    for (int cut : new int[] {0, 1, 3, 20, node.length - 1}) {
      byte[] truncated = Arrays.copyOf(node, cut);
      assertThrows(IllegalStateException.class,
          () -> CrawlRecordCodec.decodeNode(ID, truncated, decoder), "cut at " + cut);
    }
    byte[] hash = CrawlRecordCodec.encode(CrawlInfohash.first(new byte[20], 1));
    assertThrows(IllegalStateException.class,
        () -> CrawlRecordCodec.decodeInfohash(Arrays.copyOf(hash, 12), decoder));
    node[0] = 9;
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CrawlRecordCodec.decodeNode(ID, node, decoder));
    assertEquals("unknown record format 9", e.getMessage());
    assertThrows(IllegalStateException.class,
        () -> CrawlRecordCodec.decodeInfohash("d3:fooe".getBytes(), decoder));
  }
}
