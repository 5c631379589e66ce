package dev.dhtbeacon.routing;

import static dev.dhtbeacon.routing.RoutingTestSupport.contact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClosestNodesTest {

  @Test
  void keepsTheClosestDistinctIdsInOrder() {
    Random random = new Random(5);
    for (int round = 0; round < 50; round++) {
      NodeId target = NodeId.random(random);
      ClosestNodes closest = new ClosestNodes(target, 8);
      List<Contact> offered = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Contact c = contact(NodeId.random(random), i + 1);
        offered.add(c);
        closest.offer(c);
        // Offering the same id again, from anywhere, changes nothing.
        assertFalse(closest.offer(contact(c.id(), 1_000 + i)));
      }
      offered.sort(Comparator.comparing(Contact::id, target::compareDistance));
      assertEquals(offered.subList(0, 8), closest.toList());
      assertEquals(offered.get(7), closest.farthest());
      assertTrue(closest.isFull());
      assertFalse(closest.wouldAccept(offered.get(8).id()));
      assertFalse(closest.wouldAccept(offered.get(0).id()), "already held");
    }
  }

  @Test
  void reportsAcceptanceAndFullness() {
    NodeId target = NodeId.zero();
    ClosestNodes closest = new ClosestNodes(target, 2);
    assertThrows(NoSuchElementException.class, closest::farthest);
    assertTrue(closest.isEmpty());
    Contact far = contact(RoutingTestSupport.id(0x80, 0), 1);
    Contact mid = contact(RoutingTestSupport.id(0x40, 0), 2);
    Contact near = contact(RoutingTestSupport.id(0x01, 0), 3);
    assertTrue(closest.offer(far));
    assertFalse(closest.isFull());
    assertTrue(closest.offer(mid));
    assertTrue(closest.isFull());
    assertFalse(closest.offer(contact(RoutingTestSupport.id(0xc0, 0), 4)));
    assertTrue(closest.wouldAccept(near.id()));
    assertTrue(closest.offer(near));
    assertEquals(List.of(near, mid), closest.toList());
    assertEquals(mid, closest.farthest());
    assertTrue(closest.contains(near.id()));
    assertFalse(closest.contains(far.id()));
    assertEquals(2, closest.size());
  }
}
