package dev.dhtbeacon.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The strict, bounded decoder and the canonical encoder: what is accepted, what is rejected, and
 * that a rejection is always a {@link BencodeException} and never anything else.
 */
class BDecoderTest {
  private static final BDecoder KRPC = new BDecoder();
  /** Generous limits, so that a test reaches the check it means rather than the size cap. */
  private static final BDecoder ROOMY = new BDecoder(
      new BDecoder.Limits(Integer.MAX_VALUE, 32, 10_000_000, Integer.MAX_VALUE));

  private static final String PING =
      "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe";
  private static final String GET_PEERS_RESPONSE = "d1:rd2:id20:abcdefghij01234567895:token8:"
      + "aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re";
  private static final String NESTED =
      "d0:i0e1:al0:i-1ed1:xle1:yi9223372036854775807eee1:bi-9223372036854775808e1:\u00ffdee";

  // ---- accepted input

  @Test
  void decodesEachKind() throws Exception {
    assertEquals(BString.of("spam"), decode("4:spam"));
    assertEquals(BString.of(new byte[0]), decode("0:"));
    assertEquals(new BInteger(0), decode("i0e"));
    assertEquals(new BInteger(-42), decode("i-42e"));
    assertEquals(new BInteger(Long.MAX_VALUE), decode("i9223372036854775807e"));
    assertEquals(new BInteger(Long.MIN_VALUE), decode("i-9223372036854775808e"));
    assertEquals(new BList(List.of(BString.of("spam"), new BInteger(42))), decode("l4:spami42ee"));
    assertEquals(new BList(List.of()), decode("le"));
    BDictionary d = assertInstanceOf(BDictionary.class, decode("d3:cow3:moo4:spam4:eggse"));
    assertEquals(List.of("cow", "spam"), List.copyOf(d.entries().keySet()));
    assertEquals("moo", d.text("cow"));
    assertEquals(0, assertInstanceOf(BDictionary.class, decode("de")).size());
  }

  @Test
  void nestedValuesRoundTrip() throws Exception {
    for (String text : List.of(PING, GET_PEERS_RESPONSE, NESTED, "lllleeee", "ld1:ald1:aleeeee")) {
      byte[] wire = latin1(text);
      BValue value = KRPC.decode(wire);
      assertArrayEquals(wire, BEncoder.encode(value), text);
      assertEquals(value, KRPC.decode(BEncoder.encode(value)), text);
    }
    BValue built = new BList(List.of(
        BDictionary.builder().put("z", 1).put("a", new BList(List.of(BString.of("x"),
            BDictionary.builder().put("k", new byte[] {0, (byte) 0xff}).build()))).build(),
        new BInteger(Long.MIN_VALUE), new BInteger(Long.MAX_VALUE), BString.of(new byte[300])));
    byte[] wire = BEncoder.encode(built);
    assertEquals(built, KRPC.decode(wire));
    assertArrayEquals(wire, BEncoder.encode(KRPC.decode(wire)));
  }

  @Test
  void decodesASubrange() throws Exception {
    byte[] framed = latin1("xxi42eyy");
    assertEquals(new BInteger(42), KRPC.decode(framed, 2, 4));
    BDictionary d = (BDictionary) KRPC.decode(latin1("__d1:ai1e1:bl1:xee__"), 2, 16);
    assertArrayEquals(latin1("l1:xe"), d.raw("b"));
  }

  // ---- canonical encoding

  @Test
  void encoderSortsKeysAsUnsignedBytes() throws Exception {
    BDictionary d = BDictionary.builder()
        .put("\u00ff", 1).put("b", 2).put("\u0080", 3).put("a", 4).put("", 5).put("\u007f", 6)
        .put("ab", 7).put("A", 8).build();
    byte[] wire = BEncoder.encode(d);
    assertEquals("d0:i5e1:Ai8e1:ai4e2:abi7e1:bi2e1:\u007fi6e1:\u0080i3e1:\u00ffi1ee",
        new String(wire, StandardCharsets.ISO_8859_1));
    assertEquals(d, KRPC.decode(wire));
    // As signed bytes 0x80 and 0xff would sort first; the decoder must insist on unsigned order.
    assertRejected("d1:\u00ffi1e1:ai2ee");
    assertRejected("d1:\u0080i1e1:\u007fi2ee");
    assertEquals(2, ((BDictionary) decode("d1:\u007fi2e1:\u0080i1ee")).size());
  }

  @Test
  void encoderWritesShortestForms() {
    assertEquals("i0e", encode(new BInteger(0)));
    assertEquals("i-1e", encode(new BInteger(-1)));
    assertEquals("i-9223372036854775808e", encode(new BInteger(Long.MIN_VALUE)));
    assertEquals("0:", encode(BString.of(new byte[0])));
    assertEquals("le", encode(new BList(List.of())));
    assertEquals("de", encode(BDictionary.builder().build()));
    assertEquals("d1:ai2ee", encode(BDictionary.builder().put("a", 1).put("a", 2).build()));
  }

  // ---- raw(key)

  @Test
  void rawReturnsTheExactInputBytesOfAValue() throws Exception {
    String v = "d1:ad1:bi1e1:cl0:i-7eee1:n3:xyze";
    String text = "d1:ai1e1:k32:" + "k".repeat(32) + "1:v" + v + "e";
    BDictionary d = (BDictionary) decode(text);
    assertArrayEquals(latin1(v), d.raw("v"));
    assertArrayEquals(latin1("i1e"), d.raw("a"));
    assertArrayEquals(latin1("32:" + "k".repeat(32)), d.raw("k"));
    assertArrayEquals(latin1("d1:bi1e1:cl0:i-7eee"), d.dictionary("v").raw("a"));
    assertArrayEquals(latin1("l0:i-7ee"), d.dictionary("v").dictionary("a").raw("c"));
    assertNull(d.raw("missing"));
    // Mutating the copy must not change the dictionary.
    d.raw("v")[0] = 'X';
    assertArrayEquals(latin1(v), d.raw("v"));
    // A dictionary built in code answers with the canonical encoding.
    BDictionary built = BDictionary.builder().put("v", new BList(List.of(new BInteger(3)))).build();
    assertArrayEquals(latin1("li3ee"), built.raw("v"));
  }

  // ---- rejected input

  @Test
  void everyProperPrefixOfAValidMessageIsRejected() throws Exception {
    for (String text : List.of(PING, GET_PEERS_RESPONSE, NESTED)) {
      byte[] wire = latin1(text);
      KRPC.decode(wire);
      for (int i = 0; i < wire.length; i++) {
        byte[] prefix = Arrays.copyOf(wire, i);
        assertThrows(BencodeException.class, () -> KRPC.decode(prefix),
            () -> "prefix " + prefix.length + " of " + text);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1:", "-1:a", "01:a", "00:", "5:ab", ":", ":a", "1a:x", "1", "4:spa",
      "2147483648:x", "2147483647:x", "9999999999999999999:", "99999999999999999999999:x",
      "9223372036854775808:", "18446744073709551616:x", "+1:a", " 1:a"})
  void badStringLengthsAreRejected(String text) {
    assertRejected(text);
    assertThrows(BencodeException.class, () -> ROOMY.decode(latin1(text)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"i-0e", "i03e", "i00e", "i-03e", "ie", "i-e", "i1.5e", "i1e5e", "i+1e",
      "i 1e", "i1 e", "i--1e", "i0x10e", "i99999999999999999999e", "i9223372036854775808e",
      "i-9223372036854775809e", "i18446744073709551615e", "i1", "i", "i-", "i12"})
  void badIntegersAreRejected(String text) {
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"l", "li1e", "l4:spam", "lle", "d", "d1:ai1e", "d1:a", "d1:ad", "dde",
      "d1:ae", "lde", "e", "x", "", "ld1:ae", "ldeee"})
  void unterminatedOrMalformedContainersAreRejected(String text) {
    assertRejected(text);
  }

  @Test
  void absurdNestingIsRejectedFastWithoutStackOverflow() {
    for (String unit : List.of("l", "d1:a", "ld1:a")) {
      byte[] deep = latin1(unit.repeat(100_000));
      byte[] closed = latin1(unit.repeat(100_000) + "i0e" + "e".repeat(100_000));
      assertTimeout(Duration.ofSeconds(2), () -> {
        for (BDecoder decoder : List.of(KRPC, ROOMY)) {
          assertThrows(BencodeException.class, () -> decoder.decode(deep));
          assertThrows(BencodeException.class, () -> decoder.decode(closed));
        }
      });
    }
  }

  @Test
  void depthLimitIsExact() throws Exception {
    // Depth 32: 32 nested lists are fine, a 33rd is not.
    assertInstanceOf(BList.class, ROOMY.decode(latin1("l".repeat(32) + "e".repeat(32))));
    assertThrows(BencodeException.class,
        () -> ROOMY.decode(latin1("l".repeat(33) + "e".repeat(33))));
    BDecoder shallow = new BDecoder(new BDecoder.Limits(1000, 2, 1000, 1000));
    assertInstanceOf(BDictionary.class, shallow.decode(latin1("d1:ali1eee")));
    assertThrows(BencodeException.class, () -> shallow.decode(latin1("d1:alleee")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"d1:bi1e1:ai2ee", "d1:ai1e1:ai2ee", "d2:abi1e1:ai2ee",
      "d1:a0:1:c0:1:b0:e", "d1:ai1e1:ai1ee", "d0:i1e0:i2ee"})
  void unsortedOrDuplicateKeysAreRejected(String text) {
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"di1ei2ee", "dli1eei2ee", "dd1:ai1eei2ee", "d-1:ai1ee", "dei1ee"})
  void nonStringKeysAreRejected(String text) {
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"i1ei2e", "dee", "de ", "4:spamx", "le\u0000", "lede", "0:0:", "i1e\n"})
  void trailingBytesAreRejected(String text) {
    assertRejected(text);
  }

  @Test
  void elementCountIsCapped() throws Exception {
    BDecoder ten = new BDecoder(new BDecoder.Limits(65_536, 32, 10, 65_536));
    // The list itself counts as one element.
    assertEquals(9, ((BList) ten.decode(latin1("l" + "i0e".repeat(9) + "e"))).items().size());
    assertThrows(BencodeException.class,
        () -> ten.decode(latin1("l" + "i0e".repeat(10) + "e")));
    assertThrows(BencodeException.class,
        () -> ten.decode(latin1("d1:al" + "le".repeat(10) + "ee")));
    // The KRPC limits allow 10 000 elements in all.
    assertEquals(9_999, ((BList) KRPC.decode(latin1("l" + "0:".repeat(9_999) + "e"))).items()
        .size());
    assertThrows(BencodeException.class,
        () -> KRPC.decode(latin1("l" + "0:".repeat(10_000) + "e")));
  }

  @Test
  void inputAndStringSizesAreCapped() throws Exception {
    BDecoder small = new BDecoder(new BDecoder.Limits(16, 32, 100, 4));
    assertEquals(BString.of("spam"), small.decode(latin1("4:spam")));
    assertThrows(BencodeException.class, () -> small.decode(latin1("5:spams")));
    assertInstanceOf(BList.class, small.decode(latin1("l4:spam4:eggse")));
    assertThrows(BencodeException.class, () -> small.decode(latin1("l4:spam4:eggsi12ee")));
    // 65 536 bytes is the KRPC cap on a whole datagram.
    byte[] atCap = latin1("65530:" + "x".repeat(65_530));
    assertEquals(65_536, atCap.length);
    assertEquals(65_530, ((BString) KRPC.decode(atCap)).length());
    byte[] overCap = latin1("65531:" + "x".repeat(65_531));
    assertThrows(BencodeException.class, () -> KRPC.decode(overCap));
    assertThrows(BencodeException.class, () -> KRPC.decode(new byte[1 << 20]));
  }

  @Test
  void badRangesAreRejectedAsBencodeErrors() {
    byte[] ten = new byte[10];
    assertThrows(BencodeException.class, () -> KRPC.decode(ten, -1, 3));
    assertThrows(BencodeException.class, () -> KRPC.decode(ten, 5, 6));
    assertThrows(BencodeException.class, () -> KRPC.decode(ten, 3, -1));
    assertThrows(BencodeException.class, () -> KRPC.decode(ten, 11, 0));
    // offset + length overflows int: still a BencodeException, not an index error.
    assertThrows(BencodeException.class, () -> ROOMY.decode(ten, 5, Integer.MAX_VALUE));
    assertThrows(BencodeException.class, () -> ROOMY.decode(ten, Integer.MAX_VALUE, 1));
  }

  @Test
  void decodeDictionaryInsistsOnADictionary() throws Exception {
    assertEquals(1, KRPC.decodeDictionary(latin1("d1:ai1ee")).size());
    for (String text : List.of("le", "i1e", "4:spam")) {
      assertThrows(BencodeException.class, () -> KRPC.decodeDictionary(latin1(text)), text);
    }
  }

  @Test
  void errorsCarryTheOffsetOfTheProblem() {
    assertEquals(3, assertThrows(BencodeException.class, () -> decode("i1ei2e")).offset());
    BencodeException e = assertThrows(BencodeException.class, () -> decode("d1:bi1e1:ai2ee"));
    assertEquals(7, e.offset());
    assertTrue(e.getMessage().contains("canonical"), e.getMessage());
  }

  @Test
  void limitsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new BDecoder.Limits(0, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new BDecoder.Limits(1, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new BDecoder.Limits(1, 1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new BDecoder.Limits(1, 1, 1, -1));
  }

  // ---- helpers

  /** Asserts a BencodeException, and nothing else (assertThrows fails on any other Throwable). */
  private static void assertRejected(String text) {
    assertThrows(BencodeException.class, () -> KRPC.decode(latin1(text)), text);
  }

  private static BValue decode(String text) throws BencodeException {
    return KRPC.decode(latin1(text));
  }

  private static String encode(BValue value) {
    return new String(BEncoder.encode(value), StandardCharsets.ISO_8859_1);
  }

  static byte[] latin1(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
