package dev.dhtbeacon.storage;

import dev.dhtbeacon.bencode.BString;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Write tokens for {@code get_peers}/{@code get} answers, checked on {@code announce_peer} and
 * {@code put}. A token is SHA-1(secret ‖ requester IP) cut to 8 bytes; the secret rotates every
 * {@link #ROTATE_MILLIS}, and tokens from the previous secret stay valid, so a token lives 5 to
 * 10 minutes. Each node has its own secrets (never one per JVM: a testnet runs thousands of
 * nodes in one process).
 *
 * <p>Not thread-safe: used on the owning node's event loop.
 */
public final class TokenIssuer {
  /** How often the secret changes. */
  public static final long ROTATE_MILLIS = 5 * 60_000;
  private static final int TOKEN_LENGTH = 8;

  private final Clock clock;
  private final SecureRandom random;
  private byte[] current = new byte[16];
  private byte[] previous = new byte[16];
  private long rotatedAt;

  public TokenIssuer(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
    random.nextBytes(current);
    random.nextBytes(previous);
    rotatedAt = clock.millis();
  }

  /** A token for {@code requester}. */
  public BString issue(InetAddress requester) {
    rotateIfDue();
    return BString.of(token(current, requester));
  }

  /** Whether {@code token} was issued to {@code requester} within the last two periods. */
  public boolean isValid(BString token, InetAddress requester) {
    rotateIfDue();
    if (token == null || token.length() != TOKEN_LENGTH) {
      return false;
    }
    byte[] given = token.bytes();
    return MessageDigest.isEqual(given, token(current, requester))
        || MessageDigest.isEqual(given, token(previous, requester));
  }

  private void rotateIfDue() {
    long now = clock.millis();
    if (now - rotatedAt < ROTATE_MILLIS) {
      return;
    }
    // After a long pause both secrets are stale: old tokens must not survive it.
    if (now - rotatedAt >= 2 * ROTATE_MILLIS) {
      random.nextBytes(current);
    }
    byte[] old = previous;
    previous = current;
    current = old;
    random.nextBytes(current);
    rotatedAt = now;
  }

  private static byte[] token(byte[] secret, InetAddress requester) {
    MessageDigest sha1 = sha1();
    sha1.update(secret);
    sha1.update(requester.getAddress());
    byte[] digest = sha1.digest();
    byte[] out = new byte[TOKEN_LENGTH];
    System.arraycopy(digest, 0, out, 0, TOKEN_LENGTH);
    return out;
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-1", e);
    }
  }
}
