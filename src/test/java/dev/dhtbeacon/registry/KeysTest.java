package dev.dhtbeacon.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.Hex;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Key pairs, key files (mode 0600, refusals) and the accepted public key spellings. */
class KeysTest {
  /** Pkarr's vector: the all-zero seed. */
  private static final String ZERO_SEED_HEX =
      "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
  private static final String ZERO_SEED_ZBASE32 =
      "8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo";

  @TempDir
  Path dir;

  @Test
  void writeCreatesAnOwnerOnlyFileThatReadsBack() throws Exception {
    KeyPair keys = KeyPair.generate();
    Path file = dir.resolve("server.key");
    KeyFile.write(file, keys);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(Hex.encode(keys.seed()) + "\n", Files.readString(file));
    assertEquals(keys.publicKey(), KeyFile.read(file).publicKey());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "temporary file left behind");
    }
  }

  @Test
  void writeNeverOverwrites() throws Exception {
    Path file = dir.resolve("server.key");
    KeyPair first = KeyPair.generate();
    KeyFile.write(file, first);
    String before = Files.readString(file);
    assertThrows(FileAlreadyExistsException.class,
        () -> KeyFile.write(file, KeyPair.generate()));
    assertEquals(before, Files.readString(file));
    assertEquals(first.publicKey(), KeyFile.read(file).publicKey());
  }

  @Test
  void readRefusesAFileOthersCanRead() throws Exception {
    Path file = dir.resolve("server.key");
    KeyFile.write(file, KeyPair.generate());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    KeyFile.KeyFileException e = assertThrows(KeyFile.KeyFileException.class,
        () -> KeyFile.read(file));
    assertOneLine(e.getMessage());
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "hello", "0123456789abcdef",
      // 63 and 65 hex digits
      "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da2",
      "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da290",
      // 64 characters, not all hex
      "zz6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
      // 64 characters split over two lines: the message must still be one line
      "3b6a27bcceb6a42d62a3a8d02a6f0d73\n653215771de243a63ac048a18b59da2",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"})
  void readRejectsGarbageWithOneClearLine(String content) throws Exception {
    Path file = ownerOnly(content.getBytes(StandardCharsets.UTF_8));
    KeyFile.KeyFileException e = assertThrows(KeyFile.KeyFileException.class,
        () -> KeyFile.read(file));
    assertOneLine(e.getMessage());
    assertTrue(e.getMessage().contains("not a dhtbeacon key file"), e.getMessage());
  }

  @Test
  void readRejectsARawBinarySeedWithOneClearLine() throws Exception {
    byte[] raw = new byte[32];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (0x80 + i); // not ASCII: what a raw seed file usually looks like
    }
    Path file = ownerOnly(raw);
    KeyFile.KeyFileException e = assertThrows(KeyFile.KeyFileException.class,
        () -> KeyFile.read(file));
    assertOneLine(e.getMessage());
    assertTrue(e.getMessage().contains("not a dhtbeacon key file"), e.getMessage());
  }

  @Test
  void readOfAMissingFileSaysSo() {
    Path file = dir.resolve("absent.key");
    KeyFile.KeyFileException e = assertThrows(KeyFile.KeyFileException.class,
        () -> KeyFile.read(file));
    assertOneLine(e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void theSeedNeverAppearsInToString() {
    KeyPair keys = KeyPair.generate();
    String text = keys.toString();
    String seedHex = Hex.encode(keys.seed());
    assertFalse(text.contains(seedHex), text);
    assertFalse(text.toUpperCase(Locale.ROOT).contains(seedHex.toUpperCase(Locale.ROOT)), text);
    assertFalse(text.contains(dev.dhtbeacon.crypto.ZBase32.encode(keys.seed())), text);
    assertFalse(text.contains(java.util.Arrays.toString(keys.seed())), text);
    assertTrue(text.contains(keys.publicKey().hex()), text);
  }

  @Test
  void pkarrVectorRoundTrips() {
    KeyPair keys = KeyPair.fromSeed(new byte[32]);
    assertEquals(ZERO_SEED_HEX, keys.publicKey().hex());
    assertEquals(ZERO_SEED_ZBASE32, keys.publicKey().zbase32());
    assertEquals(keys.publicKey(), PublicKey.parse(ZERO_SEED_ZBASE32));
    assertEquals(keys.publicKey(), PublicKey.parse(ZERO_SEED_HEX));
    assertArrayEquals(Hex.decode(ZERO_SEED_HEX),
        dev.dhtbeacon.crypto.ZBase32.decode(ZERO_SEED_ZBASE32, 32));
  }

  @ParameterizedTest
  @ValueSource(strings = {ZERO_SEED_HEX, ZERO_SEED_ZBASE32, "pk:" + ZERO_SEED_HEX,
      "pk:" + ZERO_SEED_ZBASE32, "PK:" + ZERO_SEED_ZBASE32,
      "3B6A27BCCEB6A42D62A3A8D02A6F0D73653215771DE243A63AC048A18B59DA29",
      "pk:3B6A27BCCEB6A42D62A3A8D02A6F0D73653215771DE243A63AC048A18B59DA29",
      "  " + ZERO_SEED_HEX + "\n"})
  void parseAcceptsEverySpelling(String text) {
    assertEquals(ZERO_SEED_HEX, PublicKey.parse(text).hex());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "pk:", "pk",
      // 63 and 65 hex, 51 and 53 z-base32
      "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da2",
      "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da290",
      "8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ew",
      "8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewoy",
      // a non-hex character in 64, characters outside z-base32 (0, 2, l, v) in 52
      "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da2g",
      "0pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo",
      "8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ew2",
      "8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewl",
      "8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewv",
      // non-zero padding bits in the last z-base32 character
      "8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewb",
      "pk:pk:3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
      "3b6a27bc ceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"})
  void parseRejectsWrongLengthsAndCharacters(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PublicKey.parse(text));
    assertOneLine(e.getMessage());
  }

  @Test
  void publicKeyOfRejectsWrongLengths() {
    assertThrows(IllegalArgumentException.class, () -> PublicKey.of(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> PublicKey.of(new byte[33]));
    assertThrows(IllegalArgumentException.class, () -> KeyPair.fromSeed(new byte[31]));
  }

  @Test
  void generatedKeysRoundTripThroughBothTextForms() {
    for (int i = 0; i < 50; i++) {
      PublicKey key = KeyPair.generate().publicKey();
      assertEquals(52, key.zbase32().length());
      assertEquals(key, PublicKey.parse(key.zbase32()));
      assertEquals(key, PublicKey.parse("pk:" + key.zbase32()));
      assertEquals(key, PublicKey.parse(key.hex()));
    }
  }

  private Path ownerOnly(byte[] content) throws Exception {
    Path file = Files.createTempFile(dir, "bad", ".key",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, content);
    return file;
  }

  private static void assertOneLine(String message) {
    assertTrue(message != null && !message.isBlank(), "empty message");
    assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
  }
}
