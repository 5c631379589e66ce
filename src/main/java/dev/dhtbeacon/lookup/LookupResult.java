package dev.dhtbeacon.lookup;

import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.util.List;

/**
 * What an iterative lookup found.
 *
 * @param closest the closest nodes that answered, nearest first, at most k, each with its
 *     response (and so its token)
 * @param withValues every response that carried {@code values} or a BEP 44 {@code v}, unverified
 * @param queried queries sent
 * @param timeouts queries that never got an answer
 * @param errors KRPC error replies received
 * @param rounds the longest chain of "A told us about B" that was queried: sequential steps
 * @param millis wall time
 */
public record LookupResult(NodeId target, List<Responder> closest, List<Responder> withValues,
    int queried, int timeouts, int errors, int rounds, long millis) {

  public LookupResult {
    closest = List.copyOf(closest);
    withValues = List.copyOf(withValues);
  }

  /** A node that answered and what it said. */
  public record Responder(Contact contact, Response response) {
  }

  /** The closest responders' contacts. */
  public List<Contact> closestContacts() {
    return closest.stream().map(Responder::contact).toList();
  }
}
