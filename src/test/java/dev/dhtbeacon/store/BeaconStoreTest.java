package dev.dhtbeacon.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MapDB store: durability across reopen, cache TTL, the file lock, corrupt files. */
class BeaconStoreTest {
  private static final String KEY = "aa".repeat(20);
  private static final String OTHER = "bb".repeat(20);

  @TempDir
  Path dir;

  @Test
  void reopenKeepsPublishedItemsAndTheCache() throws Exception {
    PublishedItem published = new PublishedItem(new byte[0], 1_700_000_000_000_000L,
        "d1:ai1ee".getBytes(), sig(1), 1_700_000_000_000L);
    PublishedItem salted = new PublishedItem("salt".getBytes(), 7, "3:abc".getBytes(), sig(2),
        5);
    CachedItem cached = new CachedItem(99, "3:xyz".getBytes(), sig(3), 10_000, 17);
    try (BeaconStore store = BeaconStore.open(dir)) {
      store.recordPublished(KEY, published);
      store.recordPublished(OTHER, salted);
      store.cache(KEY, cached);
    }
    try (BeaconStore store = BeaconStore.open(dir)) {
      assertSame(published, store.published(KEY).orElseThrow());
      assertSame(salted, store.published(OTHER).orElseThrow());
      CachedItem back = store.cached(KEY, 10_001, 60_000).orElseThrow();
      assertEquals(99, back.seq());
      assertArrayEquals(cached.encodedV(), back.encodedV());
      assertArrayEquals(cached.sig(), back.sig());
      assertEquals(10_000, back.fetchedMillis());
      assertEquals(17, back.nodesQueried());
      assertTrue(store.published("cc".repeat(20)).isEmpty());
      assertTrue(store.cached(OTHER, 10_001, 60_000).isEmpty());

      // A later publish replaces the earlier one, and that too survives a reopen.
      store.recordPublished(KEY, new PublishedItem(new byte[0], published.seq() + 1,
          "d1:ai2ee".getBytes(), sig(4), 1_700_000_000_001L));
    }
    try (BeaconStore store = BeaconStore.open(dir)) {
      assertEquals(1_700_000_000_000_001L, store.published(KEY).orElseThrow().seq());
    }
  }

  @Test
  void theCacheHonoursItsTtl() throws Exception {
    try (BeaconStore store = BeaconStore.open(dir)) {
      store.cache(KEY, new CachedItem(1, "1:x".getBytes(), sig(1), 1_000, 3));
      assertTrue(store.cached(KEY, 1_000, 500).isPresent(), "fresh");
      assertTrue(store.cached(KEY, 1_499, 500).isPresent(), "just inside the TTL");
      assertTrue(store.cached(KEY, 1_500, 500).isEmpty(), "exactly the TTL old");
      assertTrue(store.cached(KEY, 100_000, 500).isEmpty(), "long expired");
      assertTrue(store.cached(KEY, 1_000, 0).isEmpty(), "a zero TTL serves nothing");
      // Expiry hides an entry, it does not delete it: a longer TTL still sees it.
      assertTrue(store.cached(KEY, 100_000, 200_000).isPresent());
      // A newer fetch resets the clock.
      store.cache(KEY, new CachedItem(2, "1:y".getBytes(), sig(2), 100_000, 3));
      assertEquals(2, store.cached(KEY, 100_100, 500).orElseThrow().seq());
    }
  }

  @Test
  void aSecondOpenOfAnOpenDirectoryFails() throws Exception {
    try (BeaconStore first = BeaconStore.open(dir)) {
      first.cache(KEY, new CachedItem(1, "1:x".getBytes(), sig(1), 1_000, 3));
      IOException e = assertThrows(IOException.class, () -> BeaconStore.open(dir));
      assertTrue(e.getMessage().contains(dir.resolve(BeaconStore.FILE).toString()),
          e.getMessage());
      assertTrue(e.getMessage().contains("locked"), e.getMessage());
      assertOneLine(e.getMessage());
      // The refused open left the first one working.
      assertTrue(first.cached(KEY, 1_000, 500).isPresent());
      first.cache(OTHER, new CachedItem(2, "1:y".getBytes(), sig(2), 1_000, 3));
    }
    // Once the first is closed the directory opens again, with everything in it.
    try (BeaconStore again = BeaconStore.open(dir)) {
      assertEquals(2, again.cached(OTHER, 1_000, 500).orElseThrow().seq());
    }
  }

  @Test
  void aCorruptFileIsAnIoExceptionNamingTheFile() throws Exception {
    byte[] garbage = new byte[64 * 1024];
    new Random(7).nextBytes(garbage);
    Files.write(dir.resolve(BeaconStore.FILE), garbage);
    IOException e = assertThrows(IOException.class, () -> BeaconStore.open(dir));
    assertTrue(e.getMessage().startsWith("cannot open " + dir.resolve(BeaconStore.FILE)),
        e.getMessage());
    assertTrue(e.getMessage().contains("not MapDB file"), e.getMessage());
    assertOneLine(e.getMessage());
  }

  @Test
  void aTruncatedFileIsAnIoException() throws Exception {
    try (BeaconStore store = BeaconStore.open(dir)) {
      for (int i = 0; i < 200; i++) {
        store.cache(String.format("%040x", i), new CachedItem(i, new byte[200], sig(i), i, 1));
      }
    }
    Path file = dir.resolve(BeaconStore.FILE);
    byte[] whole = Files.readAllBytes(file);
    byte[] head = new byte[whole.length / 3];
    System.arraycopy(whole, 0, head, 0, head.length);
    Files.write(file, head);
    IOException e = assertThrows(IOException.class, () -> BeaconStore.open(dir));
    assertTrue(e.getMessage().startsWith("cannot open " + file), e.getMessage());
    // MapDB's own error has no message here; the store must not print "null".
    assertFalse(e.getMessage().contains("null"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
    assertOneLine(e.getMessage());
  }

  @Test
  void tinyAndEmptyFilesAreIoExceptionsWithAReason() throws Exception {
    Path file = dir.resolve(BeaconStore.FILE);
    for (byte[] content : new byte[][] {new byte[0], "hello".getBytes()}) {
      Files.write(file, content);
      IOException e = assertThrows(IOException.class, () -> BeaconStore.open(dir));
      assertTrue(e.getMessage().startsWith("cannot open " + file), e.getMessage());
      assertFalse(e.getMessage().contains("null"), e.getMessage());
      assertOneLine(e.getMessage());
    }
  }

  @Test
  void aDataDirectoryThatIsAFileIsAnIoException() throws Exception {
    Path notADir = dir.resolve("plain-file");
    Files.writeString(notADir, "x");
    assertThrows(IOException.class, () -> BeaconStore.open(notADir));
  }

  @Test
  void openCreatesMissingDirectories() throws Exception {
    Path nested = dir.resolve("a").resolve("b");
    try (BeaconStore store = BeaconStore.open(nested)) {
      assertEquals(Optional.empty(), store.published(KEY));
    }
    assertTrue(Files.isRegularFile(nested.resolve(BeaconStore.FILE)));
  }

  private static void assertSame(PublishedItem expected, PublishedItem actual) {
    assertArrayEquals(expected.salt(), actual.salt());
    assertEquals(expected.seq(), actual.seq());
    assertArrayEquals(expected.encodedV(), actual.encodedV());
    assertArrayEquals(expected.sig(), actual.sig());
    assertEquals(expected.publishedMillis(), actual.publishedMillis());
  }

  private static byte[] sig(int fill) {
    byte[] sig = new byte[64];
    java.util.Arrays.fill(sig, (byte) fill);
    return sig;
  }

  private static void assertOneLine(String message) {
    assertFalse(message.contains("\n"), "not one line: " + message);
  }
}
