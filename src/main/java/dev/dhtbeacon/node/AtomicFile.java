package dev.dhtbeacon.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a file atomically: readers see the old file or the complete new one, never a part,
 * even if the process dies mid-write. For the {@code .boot} file and the crawl report.
 */
public final class AtomicFile {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicFile.class);

  private AtomicFile() {
  }

  /**
   * Writes {@code bytes} to a temporary file beside {@code path} (named {@code tempPrefix…
   * .tmp}), forces it to disk, renames it over {@code path} and forces the directory.
   *
   * @throws IOException if the file could not be written or renamed; no temporary file is
   *     left behind
   */
  public static void replace(Path path, byte[] bytes, String tempPrefix) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    // Same directory as the target so the final move is a rename within one file system.
    Path tmp = Files.createTempFile(dir, tempPrefix, ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        // Without this a crash soon after the rename can leave an empty file under the new name.
        ch.force(true);
      }
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    syncDirectory(dir);
  }

  private static void syncDirectory(Path dir) {
    // Makes the rename itself durable. Not every platform lets a directory be opened this way,
    // and the data is already safe in the file, so failure here is not worth failing the save.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("could not fsync directory {}: {}", dir, e.toString());
    }
  }
}
