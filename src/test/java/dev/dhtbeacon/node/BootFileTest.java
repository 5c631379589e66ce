package dev.dhtbeacon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.dhtbeacon.node.BootFile.Candidate;
import dev.dhtbeacon.node.BootFile.LoadResult;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.routing.NodeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class BootFileTest {
  private static final long MINUTE = 60_000L;
  private static final long NOW = 1_700_000_000_000L;

  @TempDir
  Path dir;

  // ---- load / save round trip -------------------------------------------------------------

  @Test
  void saveThenLoadRoundTripsIpv4AndIpv6() throws IOException {
    List<Contact> contacts = List.of(
        contact(1, "127.0.0.1:6881"),
        contact(2, "127.4.5.6:51413"),
        contact(3, "[::1]:6882"));
    Path file = dir.resolve(".boot");

    BootFile.save(file, contacts, "saved at shutdown");
    RecordingLogger log = new RecordingLogger();
    LoadResult result = BootFile.load(file, log);

    assertEquals(contacts, result.contacts());
    assertEquals(0, result.skippedLines());
    assertNull(result.problem());
    assertEquals(List.of(), log.messages);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals("# dhtbeacon .boot \u2014 saved at shutdown", lines.get(0));
    assertTrue(lines.get(1).startsWith("# format:"), lines.get(1));
    assertEquals(BootFile.format(contacts.get(2)), lines.get(4));
  }

  @Test
  void formatWritesHexIdAndEndpoint() {
    assertEquals(hex(7) + " 127.0.0.1:6881", BootFile.format(contact(7, "127.0.0.1:6881")));
    assertEquals(hex(8) + " [::1]:6881", BootFile.format(contact(8, "[::1]:6881")));
  }

  @Test
  void multiLineHeaderStaysCommentedAndEmptyHeaderIsAllowed() throws IOException {
    Path file = dir.resolve(".boot");
    List<Contact> contacts = List.of(contact(1, "127.0.0.1:6881"));

    BootFile.save(file, contacts, "first line\n127.0.0.9:6881\n\nlast line");
    assertEquals(contacts, BootFile.load(file).contacts());
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(List.of("# dhtbeacon .boot \u2014 first line", "# 127.0.0.9:6881", "#",
        "# last line"), lines.subList(0, 4));

    BootFile.save(file, contacts, null);
    assertEquals("# dhtbeacon .boot", Files.readAllLines(file, StandardCharsets.UTF_8).get(0));
    assertEquals(contacts, BootFile.load(file).contacts());
  }

  @Test
  void commentsBlankLinesTabsAndCrlfAreAccepted() throws IOException {
    Path file = write("\uFEFF# leading comment\r\n"
        + "\r\n"
        + "   \t  \n"
        + hex(1) + " 127.0.0.1:6881\n"
        + "  " + hex(2) + "\t\t 127.0.0.2:6882   # trailing comment\r\n"
        + "# " + hex(9) + " 127.0.0.9:6889   (commented-out node)\n"
        + hex(3).toUpperCase() + " [::1]:6883#no space before the comment\n"
        + "#\n");

    RecordingLogger log = new RecordingLogger();
    LoadResult result = BootFile.load(file, log);

    assertEquals(List.of(contact(1, "127.0.0.1:6881"), contact(2, "127.0.0.2:6882"),
        contact(3, "[::1]:6883")), result.contacts());
    assertEquals(0, result.skippedLines());
    assertNull(result.problem());
    assertEquals(List.of(), log.messages);
  }

  // ---- bad lines ----------------------------------------------------------------------------

  @Test
  void badLinesAreSkippedAndTheRestKept() throws IOException {
    Path file = write(String.join("\n",
        hex(1) + " 127.0.0.1:6881", // 1 good
        "zz" + hex(2).substring(2) + " 127.0.0.2:6881", // 2 bad hex
        hex(3).substring(0, 38) + " 127.0.0.3:6881", // 3 short id
        hex(4) + " 127.0.0.4", // 4 missing port
        hex(5) + " 127.0.0.5:0", // 5 port 0
        hex(6) + " 127.0.0.6:65536", // 6 port out of range
        "\u0000\u0001\u00ff\u00fe\u202e garbage \u0007", // 7 garbage (valid UTF-8)
        hex(8), // 8 id only
        hex(9) + " 127.0.0.9:6881 extra", // 9 three fields
        hex(10) + " [::1]:6881", // 10 good
        hex(11) + " ::1:6881", // 11 IPv6 without brackets
        hex(12) + " 127.0.0.12:6881" // 12 good
    ));

    RecordingLogger log = new RecordingLogger();
    LoadResult result = BootFile.load(file, log);

    assertEquals(List.of(contact(1, "127.0.0.1:6881"), contact(10, "[::1]:6881"),
        contact(12, "127.0.0.12:6881")), result.contacts());
    assertEquals(9, result.skippedLines());
    assertNull(result.problem());
    assertEquals(9, log.warnings().size(), log.messages::toString);
    for (int line : new int[] {2, 3, 4, 5, 6, 7, 8, 9, 11}) {
      assertTrue(log.warnings().stream().anyMatch(m -> m.contains("line " + line + " skipped")),
          "no warning for line " + line + ": " + log.messages);
    }
    assertTrue(log.warnings().stream().anyMatch(m -> m.contains("not hex")));
    assertTrue(log.warnings().stream().anyMatch(m -> m.contains("got 38")));
    // A log line must not carry raw control characters taken from the file.
    assertTrue(log.messages.stream().noneMatch(m -> m.chars().anyMatch(c -> c < 0x20)));
  }

  @Test
  void hostNamesAreRejectedWithoutResolving() throws IOException {
    // localhost resolves to 127.0.0.1 everywhere, so it would load if names were ever looked up.
    Path file = write(hex(1) + " localhost:6881\n"
        + hex(2) + " router.example.org:6881\n"
        + hex(3) + " [localhost]:6881\n"
        + hex(4) + " 127.0.0.4:6881\n");

    RecordingLogger log = new RecordingLogger();
    LoadResult result = BootFile.load(file, log);

    assertEquals(List.of(contact(4, "127.0.0.4:6881")), result.contacts());
    assertEquals(3, result.skippedLines());
    assertTrue(log.warnings().stream().allMatch(m -> m.contains("not an IP address literal")),
        log.messages::toString);
  }

  @Test
  void duplicatesKeepTheFirstByIdAndByIp() throws IOException {
    Path file = write(String.join("\n",
        hex(1) + " 127.0.0.1:6881",
        hex(1) + " 127.0.0.2:6881", // same id, other IP
        hex(3) + " 127.0.0.1:7000", // same IP, other port and id
        hex(4) + " [::1]:6881",
        hex(5) + " [0:0:0:0:0:0:0:1]:6882", // same IPv6 address written differently
        hex(6) + " 127.0.0.6:6881"));

    RecordingLogger log = new RecordingLogger();
    LoadResult result = BootFile.load(file, log);

    assertEquals(List.of(contact(1, "127.0.0.1:6881"), contact(4, "[::1]:6881"),
        contact(6, "127.0.0.6:6881")), result.contacts());
    assertEquals(3, result.skippedLines());
    assertEquals(3, log.warnings().size());
    assertTrue(log.warnings().get(0).contains("line 2 skipped: duplicate node id"));
    assertTrue(log.warnings().get(1).contains("first on line 1"));
  }

  @Test
  void lineWarningsAreCappedThenSummarised() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      text.append("bad line ").append(i).append('\n');
    }
    text.append(hex(1)).append(" 127.0.0.1:6881\n");
    Path file = write(text.toString());

    RecordingLogger log = new RecordingLogger();
    LoadResult result = BootFile.load(file, log);

    assertEquals(1, result.contacts().size());
    assertEquals(25, result.skippedLines());
    assertEquals(BootFile.MAX_LINE_WARNINGS + 1, log.warnings().size());
    assertTrue(log.warnings().get(BootFile.MAX_LINE_WARNINGS).contains("15 more bad lines"),
        log.messages::toString);
  }

  @Test
  void atMostTenThousandEntriesAreRead() throws IOException {
    int total = BootFile.MAX_LOADED_ENTRIES + 5;
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < total; i++) {
      text.append(hex(i + 1)).append(" 127.0.").append(i >> 8).append('.').append(i & 0xff)
          .append(":6881\n");
    }
    Path file = write(text.toString());

    RecordingLogger log = new RecordingLogger();
    LoadResult result = BootFile.load(file, log);

    assertEquals(BootFile.MAX_LOADED_ENTRIES, result.contacts().size());
    assertEquals(5, result.skippedLines());
    assertEquals(1, log.warnings().size(), log.messages::toString);
  }

  // ---- unreadable files -------------------------------------------------------------------

  @Test
  void missingFileIsAnEmptyStartWithoutProblem() {
    RecordingLogger log = new RecordingLogger();
    LoadResult result = BootFile.load(dir.resolve("absent.boot"), log);

    assertEquals(List.of(), result.contacts());
    assertEquals(0, result.skippedLines());
    assertNull(result.problem());
    assertEquals(List.of(), log.warnings());
  }

  @Test
  void directoryIsReportedAsAProblem() throws IOException {
    Path path = Files.createDirectory(dir.resolve(".boot"));

    assertUnreadable(path, "is a directory");
  }

  @Test
  void nonUtf8ContentIsReportedAsAProblem() throws IOException {
    Path path = dir.resolve(".boot");
    byte[] good = (hex(1) + " 127.0.0.1:6881\n").getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = new byte[good.length + 3];
    System.arraycopy(good, 0, bytes, 0, good.length);
    bytes[good.length] = (byte) 0xc3; // a lead byte followed by no continuation byte
    bytes[good.length + 1] = '(';
    bytes[good.length + 2] = '\n';
    Files.write(path, bytes);

    assertUnreadable(path, "not valid UTF-8 (line 2)");
  }

  @Test
  void oversizedFileIsReportedAsAProblem() throws IOException {
    Path path = dir.resolve(".boot");
    byte[] bytes = new byte[BootFile.MAX_FILE_BYTES + 1];
    java.util.Arrays.fill(bytes, (byte) '#');
    Files.write(path, bytes);

    assertUnreadable(path, "larger than 4 MiB");
  }

  @Test
  void unreadableFileIsReportedAsAProblem() throws IOException {
    Path path = write(hex(1) + " 127.0.0.1:6881\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("---------"));
    // Root reads anything, so the check is only meaningful for an ordinary user.
    assumeFalse(Files.isReadable(path), "running with permission to read any file");

    assertUnreadable(path, "permission denied");
  }

  // ---- atomic save ------------------------------------------------------------------------

  @Test
  void saveReplacesAnExistingFileAndLeavesNoTempFiles() throws IOException {
    Path file = write("# old content\n" + hex(9) + " 127.0.0.9:6881\n");
    List<Contact> contacts = List.of(contact(1, "127.0.0.1:6881"), contact(2, "[::1]:6881"));

    BootFile.save(file, contacts, "periodic save");

    assertEquals(contacts, BootFile.load(file).contacts());
    assertFalse(Files.readString(file).contains("old content"));
    assertEquals(List.of(".boot"), listDir());
  }

  @Test
  void failedSaveDeletesItsTempFile() throws IOException {
    // A non-empty directory cannot be replaced by a file, so the final move fails.
    Path target = Files.createDirectory(dir.resolve(".boot"));
    Files.writeString(target.resolve("keep"), "x");

    assertThrows(IOException.class,
        () -> BootFile.save(target, List.of(contact(1, "127.0.0.1:6881")), "doomed"));

    assertEquals(List.of(".boot"), listDir());
    assertEquals("x", Files.readString(target.resolve("keep")));
  }

  @Test
  void saveWritesContactsInTheGivenOrder() throws IOException {
    Path file = dir.resolve(".boot");
    List<Contact> contacts = List.of(contact(3, "127.0.0.3:1"), contact(1, "127.0.0.1:2"),
        contact(2, "127.0.0.2:3"));

    BootFile.save(file, contacts, "order");

    assertEquals(contacts, BootFile.load(file).contacts());
  }

  // ---- select -----------------------------------------------------------------------------

  @Test
  void selectDropsNodesThatHaveNotAnsweredWithinFifteenMinutes() {
    Contact fresh = contact(1, "127.0.0.1:6881");
    Contact edge = contact(2, "127.0.0.2:6881");
    Contact stale = contact(3, "127.0.0.3:6881");
    Contact never = contact(4, "127.0.0.4:6881");

    List<Contact> chosen = BootFile.select(List.of(
        new Candidate(fresh, NOW - MINUTE, 50),
        new Candidate(edge, NOW - 15 * MINUTE, 60),
        new Candidate(stale, NOW - 15 * MINUTE - 1, 10),
        new Candidate(never, 0, 5)), NOW);

    assertEquals(List.of(fresh, edge), chosen);
  }

  @Test
  void selectKeepsOnePerIpWithTheLowestRtt() {
    Contact slow = contact(1, "127.0.0.1:6881");
    Contact fast = contact(2, "127.0.0.1:6882");
    Contact tie = contact(3, "127.0.0.1:6883");
    Contact v6a = contact(4, "[::1]:7000");
    Contact v6b = contact(5, "[::1]:7001");

    List<Contact> chosen = BootFile.select(List.of(
        new Candidate(slow, NOW, 300),
        new Candidate(fast, NOW, 20),
        new Candidate(tie, NOW, 20),
        new Candidate(v6a, NOW, 40),
        new Candidate(v6b, NOW, 90)), NOW);

    assertEquals(List.of(fast, v6a), chosen);
  }

  @Test
  void selectOrdersByRttAndCapsAtOneThousand() {
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      // Descending RTT in input order, so the output order comes from sorting.
      candidates.add(new Candidate(contact(i + 1, "127.1." + (i >> 8) + "." + (i & 0xff) + ":6881"),
          NOW - MINUTE, 10_000 - i));
    }

    List<Contact> chosen = BootFile.select(candidates, NOW);

    assertEquals(BootFile.MAX_SAVED_ENTRIES, chosen.size());
    assertEquals(candidates.get(1499).contact(), chosen.get(0));
    assertEquals(candidates.get(500).contact(), chosen.get(999));
  }

  @Test
  void selectOfNothingIsEmpty() {
    assertEquals(List.of(), BootFile.select(List.of(), NOW));
  }

  // ---- helpers ----------------------------------------------------------------------------

  private void assertUnreadable(Path path, String reason) {
    RecordingLogger log = new RecordingLogger();
    LoadResult result = BootFile.load(path, log);

    assertEquals(List.of(), result.contacts());
    assertEquals(0, result.skippedLines());
    assertNotNull(result.problem());
    assertTrue(result.problem().contains(path.toString()), result.problem());
    assertTrue(result.problem().contains(reason), result.problem());
    assertFalse(result.problem().contains("\n"), result.problem());
    assertEquals(1, log.warnings().size(), log.messages::toString);
    assertTrue(log.warnings().get(0).contains(result.problem()), log.messages::toString);
  }

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve(".boot"), text, StandardCharsets.UTF_8);
  }

  private List<String> listDir() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  /** A distinct, recognisable id for each {@code n}. */
  private static String hex(int n) {
    return String.format("%08x", n).repeat(5);
  }

  private static Contact contact(int n, String endpoint) {
    return new Contact(NodeId.ofHex(hex(n)), Endpoints.parse(endpoint));
  }

  /** Keeps what BootFile logs, so tests check warnings without depending on the backend. */
  private static final class RecordingLogger extends LegacyAbstractLogger {
    final List<String> messages = new ArrayList<>();

    RecordingLogger() {
      this.name = "test";
    }

    List<String> warnings() {
      return messages.stream().filter(m -> m.startsWith("WARN ")).map(m -> m.substring(5))
          .collect(Collectors.toList());
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern,
        Object[] arguments, Throwable throwable) {
      messages.add(level + " " + MessageFormatter.basicArrayFormat(pattern, arguments));
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }
}
