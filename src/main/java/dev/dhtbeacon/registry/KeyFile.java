package dev.dhtbeacon.registry;

import dev.dhtbeacon.bencode.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Key files: the 32-byte seed as 64 hex characters and a newline, mode 0600. Loading refuses a
 * file that group or others may read, as ssh does: a seed others can read is a leaked key.
 */
public final class KeyFile {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFile() {
  }

  /**
   * Writes {@code keys} to {@code path} with mode 0600, atomically (temp file + rename), never
   * replacing an existing file.
   *
   * @throws FileAlreadyExistsException if {@code path} exists
   */
  public static void write(Path path, KeyPair keys) throws IOException {
    if (Files.exists(path)) {
      throw new FileAlreadyExistsException(path.toString(), null,
          "key file exists; refusing to overwrite it");
    }
    Path dir = path.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".key", ".tmp",
        PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(tmp, Hex.encode(keys.seed()) + "\n", StandardCharsets.US_ASCII);
      try {
        // A hard link appears whole or fails if the name exists: a key written between our
        // check and now is never replaced (rename would silently replace it).
        Files.createLink(path, tmp);
      } catch (UnsupportedOperationException e) {
        Files.move(tmp, path);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a key file.
   *
   * @throws KeyFileException with a one-line message if the file is missing, readable by group
   *     or others, or not 64 hex characters
   */
  public static KeyPair read(Path path) throws KeyFileException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
      for (PosixFilePermission p : perms) {
        if (!OWNER_ONLY.contains(p) && p != PosixFilePermission.OWNER_EXECUTE) {
          throw new KeyFileException(path + " is accessible by others (" + PosixFilePermissions
              .toString(perms) + "); run: chmod 600 " + path);
        }
      }
      String text = Files.readString(path, StandardCharsets.US_ASCII).strip();
      // Checked whole so that no stray character (a newline, say) reaches the message.
      if (!text.matches("[0-9a-fA-F]{64}")) {
        throw new KeyFileException(path + " is not a dhtbeacon key file (expected 64 hex "
            + "characters)");
      }
      return KeyPair.fromSeed(Hex.decode(text));
    } catch (java.nio.charset.CharacterCodingException e) {
      // Not ASCII, e.g. a raw 32-byte seed: say what the file should be, not the decoder's error.
      throw new KeyFileException(path + " is not a dhtbeacon key file (expected 64 hex "
          + "characters)");
    } catch (IOException e) {
      throw new KeyFileException("cannot read key file " + path + ": " + e.getClass()
          .getSimpleName() + " " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(path + " is not a dhtbeacon key file: " + e.getMessage());
    }
  }

  /** A key file problem, worded for one line of output. */
  public static final class KeyFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyFileException(String message) {
      super(message, null, false, false);
    }
  }
}
