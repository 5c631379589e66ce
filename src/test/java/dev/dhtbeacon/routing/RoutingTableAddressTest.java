package dev.dhtbeacon.routing;

import static dev.dhtbeacon.routing.RoutingTestSupport.contact;
import static dev.dhtbeacon.routing.RoutingTestSupport.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One entry per IP, and ids claimed from a second address (spoofing). */
class RoutingTableAddressTest {
  private static final long T0 = 1_000_000L;
  private static final int K = 8;

  private final RoutingTable table = new RoutingTable(NodeId.zero(), K, new Random(11));

  private void makeBad(Contact c, long now) {
    table.onTimeout(c, now);
    table.onTimeout(c, now + 1);
  }

  @Test
  void secondIdOrPortOnTheSameIpIsRejected() {
    Contact first = contact(id(0x80, 1), 5);
    table.onResponse(first, T0, 1);
    table.onResponse(contact(id(0x40, 2), 5), T0, 1);
    table.onQueryFrom(contact(id(0x40, 3), 5), T0);
    table.onResponse(contact(id(0x40, 4), 5, 7000), T0, 1);
    assertEquals(List.of(first), table.contacts());
  }

  @Test
  void badHolderOfAnIpIsReplaced() {
    Contact first = contact(id(0x80, 1), 5);
    table.onResponse(first, T0, 1);
    makeBad(first, T0 + 1);
    Contact second = contact(id(0x40, 2), 5, 7000);
    table.onResponse(second, T0 + 5, 1);
    assertEquals(List.of(second), table.contacts());
  }

  @Test
  void ipRuleAppliesToReplacementCacheToo() {
    for (int i = 0; i < K; i++) {
      table.onResponse(contact(id(0x80, i + 1), i + 1), T0, 1);
    }
    Contact cached = contact(id(0x80, 100), 100);
    table.onResponse(cached, T0, 1);
    assertEquals(1, table.replacementCount());
    // An unverified newcomer does not push out a verified cached node from the same IP ...
    table.onQueryFrom(contact(id(0x01, 5), 100), T0 + 1);
    assertFalse(table.contains(id(0x01, 5)));
    assertEquals(1, table.replacementCount());
    // ... but a verified one does (the cache is cheap; the live entry it would go to is free).
    table.onResponse(contact(id(0x01, 5), 100), T0 + 2, 1);
    assertTrue(table.contains(id(0x01, 5)));
    assertEquals(0, table.replacementCount());
  }

  @Test
  void idClaimedFromAnotherAddressDoesNotDisplaceAWorkingEntry() {
    Contact real = contact(id(0x80, 1), 5);
    Contact forged = contact(id(0x80, 1), 6);
    table.onResponse(real, T0, 1);
    table.onResponse(forged, T0 + 1, 1);
    table.onQueryFrom(forged, T0 + 2);
    table.onTimeout(forged, T0 + 3);
    table.onTimeout(forged, T0 + 4);
    assertEquals(List.of(real), table.contacts());
    assertEquals(NodeState.GOOD, table.stateOf(real.id(), T0 + 5));
    // Host 6 is not blocked by the rejected claim.
    table.onResponse(contact(id(0x40, 9), 6), T0 + 6, 1);
    assertEquals(2, table.size());
  }

  @Test
  void idMovesToANewAddressOnceTheOldOneIsBad() {
    Contact old = contact(id(0x80, 1), 5);
    Contact moved = contact(id(0x80, 1), 6);
    table.onResponse(old, T0, 1);
    makeBad(old, T0 + 1);
    table.onQueryFrom(moved, T0 + 3);
    assertEquals(List.of(old), table.contacts(), "a mere query does not move an id");
    table.onResponse(moved, T0 + 4, 1);
    assertEquals(List.of(moved), table.contacts());
    assertEquals(NodeState.GOOD, table.stateOf(moved.id(), T0 + 5));
    // The old IP is free again.
    table.onResponse(contact(id(0x40, 2), 5), T0 + 6, 1);
    assertEquals(2, table.size());
  }

  @Test
  void verifiedNodeWinsItsIdBackFromAnUnverifiedCachedClaim() {
    for (int i = 0; i < K; i++) {
      table.onResponse(contact(id(0x80, i + 1), i + 1), T0, 1);
    }
    Contact forged = contact(id(0x80, 100), 66);
    Contact real = contact(id(0x80, 100), 67);
    table.onQueryFrom(forged, T0 + 1);
    table.onResponse(real, T0 + 2, 1);
    assertEquals(1, table.replacementCount());
    table.onTimeout(contact(id(0x80, 1), 1), T0 + 3);
    table.onTimeout(contact(id(0x80, 1), 1), T0 + 4);
    assertTrue(table.contacts().contains(real));
    assertFalse(table.contacts().contains(forged));
  }
}
