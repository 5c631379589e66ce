package dev.dhtbeacon.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InFlightTest {
  private static final long MS = 1_000_000L;
  private final Random random = new Random(7);

  @Test
  void aFullAllowanceFreesAPlaceOnceAQueryIsOverdue() {
    InFlight f = new InFlight(2);
    SweepTable.Entry a = sent(f, 0);
    sent(f, 10 * MS);
    assertFalse(f.hasRoom());
    assertEquals(100 * MS + 1, f.nextOverdueAt(100 * MS));
    f.markOverdue(100 * MS, 100 * MS);
    assertFalse(f.hasRoom(), "not overdue until past the overdue time");
    f.markOverdue(100 * MS + 1, 100 * MS);
    assertTrue(f.hasRoom());
    assertTrue(a.overdue);
    assertEquals(1, f.overdue());
  }

  @Test
  void overdueQueriesStillCountAgainstTwiceTheAllowance() {
    InFlight f = new InFlight(2);
    for (int i = 0; i < 4; i++) {
      sent(f, i * MS);
      f.markOverdue(i * MS + 1_000 * MS, 50 * MS);
    }
    assertEquals(4, f.count());
    assertEquals(4, f.overdue());
    assertFalse(f.hasRoom(), "4 in flight is 2 x maxInFlight");
  }

  @Test
  void anEndedOverdueQueryGivesBackItsOverdueMark() {
    InFlight f = new InFlight(4);
    SweepTable.Entry a = sent(f, 0);
    SweepTable.Entry b = sent(f, 5 * MS);
    f.markOverdue(200 * MS, 100 * MS);
    assertEquals(2, f.overdue());
    a.status = SweepTable.Status.ANSWERED;
    f.ended(a);
    assertEquals(1, f.count());
    assertEquals(1, f.overdue());
    assertFalse(a.overdue);
    assertTrue(b.overdue);
  }

  @Test
  void theNextSettledTimeIsTheOldestQueryNotYetSettled() {
    InFlight f = new InFlight(8);
    SweepTable.Entry a = sent(f, 0);
    sent(f, 30 * MS);
    assertEquals(50 * MS + 1, f.nextSettledAt(10 * MS, 50 * MS));
    assertEquals(80 * MS + 1, f.nextSettledAt(60 * MS, 50 * MS), "the first has settled");
    a.status = SweepTable.Status.ANSWERED;
    f.ended(a);
    assertEquals(80 * MS + 1, f.nextSettledAt(10 * MS, 50 * MS));
    assertEquals(Long.MAX_VALUE, f.nextSettledAt(90 * MS, 50 * MS));
    assertEquals(Long.MAX_VALUE, new InFlight(1).nextOverdueAt(50 * MS));
  }

  private SweepTable.Entry sent(InFlight f, long atNanos) {
    NodeId id = NodeId.random(random);
    SweepTable.Entry e = new SweepTable.Entry(new Contact(id,
        new InetSocketAddress("127.0.0.1", 1_000 + f.count())), Int192.ZERO,
        SweepTable.Role.FRONT);
    e.status = SweepTable.Status.IN_FLIGHT;
    f.sent(e, atNanos);
    return e;
  }
}
