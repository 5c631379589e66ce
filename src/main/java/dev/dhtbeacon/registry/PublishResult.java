package dev.dhtbeacon.registry;

import dev.dhtbeacon.routing.Contact;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one publish.
 *
 * @param seq the seq published
 * @param newValue whether this publish carried a new value (and so a new seq)
 * @param copies nodes that hold the item after this publish (stored, or already held it)
 * @param attempted nodes a put was sent to
 * @param errors KRPC error code → count
 * @param timeouts puts that got no answer
 * @param lookup whether a fresh get lookup ran (false when recent tokens were reused)
 * @param queries DHT queries sent in all (lookup and puts)
 * @param millis time taken
 * @param storedAt the nodes that hold the item after this publish
 */
public record PublishResult(PublicKey key, long seq, boolean newValue, int copies, int attempted,
    Map<Integer, Integer> errors, int timeouts, boolean lookup, int queries, long millis,
    List<Contact> storedAt) {
  public PublishResult {
    errors = Map.copyOf(errors);
    storedAt = List.copyOf(storedAt);
  }
}
