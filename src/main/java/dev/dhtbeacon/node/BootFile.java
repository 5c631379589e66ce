package dev.dhtbeacon.node;

import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code .boot} file: nodes that recently answered us, kept across restarts so the next start
 * can rejoin the DHT without depending on the public bootstrap routers.
 *
 * <p>Format: UTF-8 text, one node per line, {@code <40-hex node id> <ip:port>} separated by one
 * or more spaces or tabs; IPv6 endpoints are written {@code [addr]:port}. {@code #} starts a
 * comment, whole-line or trailing; blank lines are ignored. Addresses must be IP literals: host
 * names are rejected, never resolved, so a hostile or stale file cannot trigger DNS traffic.
 *
 * <p>Loading never throws: a damaged file must not stop the node from starting, so problems are
 * logged and reported in {@link LoadResult} and the node falls back to its other bootstrap
 * sources.
 */
public final class BootFile {
  /** Files larger than this are refused unread; a real file holds at most ~1000 short lines. */
  public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;
  /** At most this many contacts are taken from one file; later lines are ignored. */
  public static final int MAX_LOADED_ENTRIES = 10_000;
  /** At most this many contacts are chosen by {@link #select}. */
  public static final int MAX_SAVED_ENTRIES = 1000;
  /** A node must have answered within this long to be chosen by {@link #select}. */
  public static final Duration FRESHNESS = Duration.ofMinutes(15);
  /** Per-line warnings logged by one load before the rest are only counted. */
  static final int MAX_LINE_WARNINGS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(BootFile.class);
  private static final String HEADER_BARE = "# dhtbeacon .boot";
  private static final String HEADER_PREFIX = HEADER_BARE + " \u2014 ";
  private static final String FORMAT_LINE =
      "# format: <40-hex node id> <ip:port> per line, IPv6 as [addr]:port; '#' starts a comment";
  private static final int MAX_QUOTED_CHARS = 80;

  private BootFile() {
  }

  /**
   * What {@link #load} found.
   *
   * @param contacts the usable contacts in file order, duplicates removed; never null, immutable
   * @param skippedLines non-blank, non-comment lines that were not used: malformed, duplicate,
   *     or beyond {@link #MAX_LOADED_ENTRIES}
   * @param problem null when the file was read (or is simply absent), otherwise a one-line
   *     message naming the path and why it could not be read
   */
  public record LoadResult(List<Contact> contacts, int skippedLines, String problem) {
    public LoadResult {
      contacts = List.copyOf(contacts);
    }
  }

  /**
   * A node the caller considers saving.
   *
   * @param contact the node
   * @param lastResponseMillis wall-clock time of its last reply, in epoch milliseconds
   * @param rttMillis its round-trip time; lower is better
   */
  public record Candidate(Contact contact, long lastResponseMillis, long rttMillis) {
    public Candidate {
      Objects.requireNonNull(contact, "contact");
    }
  }

  /**
   * Reads a {@code .boot} file. A missing file yields no contacts and no problem, since a first
   * start has none. An unreadable file (I/O error, a directory, not UTF-8, larger than {@link
   * #MAX_FILE_BYTES}) yields no contacts and a {@link LoadResult#problem()}, logged once as WARN.
   * Bad lines are skipped, each with a WARN (the first {@value #MAX_LINE_WARNINGS}, then a
   * count); of duplicates by node id or by IP the first line wins.
   */
  public static LoadResult load(Path path) {
    return load(path, LOG);
  }

  /** {@link #load(Path)} reporting to {@code log}, so tests can see exactly what is logged. */
  static LoadResult load(Path path, Logger log) {
    String text;
    try {
      text = readText(path);
    } catch (NoSuchFileException e) {
      return new LoadResult(List.of(), 0, null);
    } catch (UnreadableException e) {
      return unreadable(path, e.getMessage(), log);
    } catch (IOException e) {
      return unreadable(path, describe(e), log);
    }
    return parse(path, text, log);
  }

  /**
   * Writes {@code contacts}, in the given order, to {@code path}, replacing it atomically: readers
   * see either the old file or the complete new one, even if the process dies mid-write.
   *
   * @param headerComment free text for the header, may span lines or be null
   * @throws IOException if the file could not be written; no temporary file is left behind
   */
  public static void save(Path path, List<Contact> contacts, String headerComment)
      throws IOException {
    AtomicFile.replace(path, render(contacts, headerComment).getBytes(StandardCharsets.UTF_8),
        ".boot");
  }

  /**
   * Chooses which nodes to save: those that answered within {@link #FRESHNESS} of {@code
   * nowMillis}, one per IP address (the lowest RTT; the earlier candidate on a tie), ordered by
   * RTT ascending, at most {@link #MAX_SAVED_ENTRIES}. Pure: no clock, no I/O.
   */
  public static List<Contact> select(List<Candidate> candidates, long nowMillis) {
    long oldest = nowMillis - FRESHNESS.toMillis();
    Map<InetAddress, Candidate> bestPerIp = new LinkedHashMap<>();
    for (Candidate c : candidates) {
      // A timestamp after now only means the wall clock stepped back; the node did answer.
      if (c.lastResponseMillis() < oldest) {
        continue;
      }
      bestPerIp.merge(c.contact().address().getAddress(), c,
          (kept, next) -> next.rttMillis() < kept.rttMillis() ? next : kept);
    }
    // Stable sort: equal RTTs keep candidate order, so the output is deterministic.
    return bestPerIp.values().stream()
        .sorted(Comparator.comparingLong(Candidate::rttMillis))
        .limit(MAX_SAVED_ENTRIES)
        .map(Candidate::contact)
        .toList();
  }

  /** One {@code .boot} line for {@code contact}: {@code <40-hex id> <ip:port>}, no newline. */
  public static String format(Contact contact) {
    return contact.id().hex() + " " + Endpoints.format(contact.address());
  }

  private static String render(List<Contact> contacts, String headerComment) {
    StringBuilder out = new StringBuilder(contacts.size() * 64 + 256);
    List<String> header = headerComment == null ? List.of() : headerComment.strip().lines()
        .map(BootFile::oneLine).map(String::strip).toList();
    if (header.isEmpty() || header.get(0).isEmpty()) {
      out.append(HEADER_BARE).append('\n');
    } else {
      // A newline in the comment must not end the comment and turn the rest into a node line.
      out.append(HEADER_PREFIX).append(header.get(0)).append('\n');
      for (String more : header.subList(1, header.size())) {
        out.append(more.isEmpty() ? "#" : "# " + more).append('\n');
      }
    }
    out.append(FORMAT_LINE).append('\n');
    for (Contact c : contacts) {
      out.append(format(c)).append('\n');
    }
    return out.toString();
  }

  private static LoadResult unreadable(Path path, String reason, Logger log) {
    String problem = oneLine("cannot read boot file " + path + ": " + reason);
    log.warn("{}; starting without it", problem);
    return new LoadResult(List.of(), 0, problem);
  }

  private static String readText(Path path) throws IOException {
    // Attributes first so a directory or a FIFO gets a clear reason instead of a blocked read.
    BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
    if (attrs.isDirectory()) {
      throw new UnreadableException("is a directory");
    }
    if (!attrs.isRegularFile()) {
      throw new UnreadableException("not a regular file");
    }
    if (attrs.size() > MAX_FILE_BYTES) {
      throw new UnreadableException(tooBig(attrs.size()));
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      // One byte more than allowed: the file may have grown since its size was read.
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new UnreadableException(tooBig(bytes.length));
    }
    return decodeUtf8(bytes);
  }

  private static String tooBig(long size) {
    return "larger than " + (MAX_FILE_BYTES >> 20) + " MiB (" + size + " bytes)";
  }

  private static String decodeUtf8(byte[] bytes) throws UnreadableException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      // The decoder stops at the bad byte, which lets the message point at its line.
      int line = 1;
      for (int i = 0; i < in.position(); i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new UnreadableException("not valid UTF-8 (line " + line + ")");
    }
    String text = out.flip().toString();
    // Some Windows editors prepend a byte order mark; it is not part of the first line.
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static LoadResult parse(Path path, String text, Logger log) {
    List<Contact> contacts = new ArrayList<>();
    Map<NodeId, Integer> lineOfId = new HashMap<>();
    Map<InetAddress, Integer> lineOfIp = new HashMap<>();
    int skipped = 0;
    int ignoredAfterCap = 0;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String content = stripComment(lines[i]);
      if (content.isEmpty()) {
        continue;
      }
      if (contacts.size() >= MAX_LOADED_ENTRIES) {
        ignoredAfterCap++;
        continue;
      }
      String reason;
      try {
        Contact c = parseLine(content);
        Integer firstId = lineOfId.get(c.id());
        Integer firstIp = lineOfIp.get(c.address().getAddress());
        if (firstId != null) {
          reason = "duplicate node id " + c.id().hex() + " (first on line " + firstId + ")";
        } else if (firstIp != null) {
          reason = "duplicate IP " + c.address().getAddress().getHostAddress()
              + " (first on line " + firstIp + ")";
        } else {
          contacts.add(c);
          lineOfId.put(c.id(), lineNo);
          lineOfIp.put(c.address().getAddress(), lineNo);
          continue;
        }
      } catch (IllegalArgumentException e) {
        reason = e.getMessage();
      }
      skipped++;
      if (skipped <= MAX_LINE_WARNINGS) {
        // Endpoints quotes the whole field, which a hostile file can make megabytes long.
        log.warn("{}: line {} skipped: {}", path, lineNo, truncate(oneLine(reason), 200));
      }
    }
    if (skipped > MAX_LINE_WARNINGS) {
      log.warn("{}: {} more bad lines skipped (only the first {} are shown)",
          path, skipped - MAX_LINE_WARNINGS, MAX_LINE_WARNINGS);
    }
    if (ignoredAfterCap > 0) {
      log.warn("{}: read the first {} entries and ignored {} further lines",
          path, MAX_LOADED_ENTRIES, ignoredAfterCap);
    }
    log.debug("{}: loaded {} contacts, skipped {} lines",
        path, contacts.size(), skipped + ignoredAfterCap);
    return new LoadResult(contacts, skipped + ignoredAfterCap, null);
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    String content = hash < 0 ? line : line.substring(0, hash);
    // Only spaces, tabs and a CR from CRLF endings count as blank, matching the field separator.
    int end = content.length();
    while (end > 0 && isBlank(content.charAt(end - 1))) {
      end--;
    }
    int start = 0;
    while (start < end && isBlank(content.charAt(start))) {
      start++;
    }
    return content.substring(start, end);
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
  }

  private static Contact parseLine(String content) {
    String[] fields = content.split("[ \t]+");
    if (fields.length != 2) {
      throw new IllegalArgumentException("expected '<40-hex node id> <ip:port>', found "
          + fields.length + " field" + (fields.length == 1 ? "" : "s") + " in '"
          + quote(content) + "'");
    }
    String hex = fields[0];
    if (hex.length() != 2 * NodeId.LENGTH) {
      throw new IllegalArgumentException("node id must be " + 2 * NodeId.LENGTH
          + " hex characters, got " + hex.length() + " in '" + quote(hex) + "'");
    }
    NodeId id;
    try {
      id = NodeId.ofHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("node id is not hex: '" + quote(hex) + "'");
    }
    // Endpoints.parse accepts IP literals only and never consults DNS; port 0 is refused there.
    return new Contact(id, Endpoints.parse(fields[1]));
  }

  /** Shortens text taken from the file so a hostile line cannot flood or forge log lines. */
  private static String quote(String s) {
    return truncate(s, MAX_QUOTED_CHARS);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  /**
   * Control characters (newlines included) and invisible format characters such as bidi
   * overrides become '?', so text from the file stays one honest log line.
   */
  private static String oneLine(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> out.appendCodePoint(
        Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT ? '?' : cp));
    return out.toString();
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }

  /** A file that exists but is not one we can use; the message is the reason. */
  private static final class UnreadableException extends IOException {
    UnreadableException(String reason) {
      super(reason);
    }
  }
}
