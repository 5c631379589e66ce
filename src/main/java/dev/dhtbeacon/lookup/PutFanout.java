package dev.dhtbeacon.lookup;

import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.routing.Contact;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Sends one BEP 44 {@code put} (or any token-bearing store) to each of a set of nodes at once,
 * each with the token it gave us, and counts the outcomes. Runs on the host's event loop.
 */
public final class PutFanout {
  private PutFanout() {
  }

  /** A node that gave us a write token. */
  public record Target(Contact contact, BString token) {
  }

  /**
   * What the fan-out achieved.
   *
   * @param stored nodes that answered the put with success
   * @param alreadyStored nodes that answered 302 to a refresh of our current seq (libtorrent
   *     and bittorrent-dht refuse an equal seq): they hold the item, so they count as copies
   * @param errors KRPC error code → how many nodes answered it (302 on a refresh excluded)
   * @param storedAt the nodes holding the item after this put
   */
  public record Result(int attempted, int stored, int alreadyStored, Map<Integer, Integer> errors,
      int timeouts, List<Contact> storedAt) {
    public Result {
      errors = Map.copyOf(errors);
      storedAt = List.copyOf(storedAt);
    }

    /** Copies held after this put: stored plus already stored. */
    public int copies() {
      return stored + alreadyStored;
    }
  }

  /**
   * Puts to every target.
   *
   * @param putFor builds the put for a node's token
   * @param refresh whether this put repeats the seq we published before (then 302 means the
   *     node already holds it)
   */
  public static CompletableFuture<Result> put(LookupHost host, List<Target> targets,
      Function<BString, QueryArgs.Put> putFor, boolean refresh, long timeoutMillis) {
    CompletableFuture<Result> result = new CompletableFuture<>();
    host.loop().execute(() -> {
      Tally tally = new Tally(targets.size(), refresh, result);
      if (targets.isEmpty()) {
        tally.finish();
      }
      for (Target t : targets) {
        host.query(t.contact(), putFor.apply(t.token()), timeoutMillis)
            .whenComplete((reply, error) -> tally.add(t.contact(), reply, error));
      }
    });
    return result;
  }

  /** Counts replies on the loop and completes once all are in. */
  private static final class Tally {
    private final int attempted;
    private final boolean refresh;
    private final CompletableFuture<Result> result;
    private final Map<Integer, Integer> errors = new TreeMap<>();
    private final List<Contact> storedAt = new ArrayList<>();
    private int stored;
    private int already;
    private int timeouts;
    private int done;

    Tally(int attempted, boolean refresh, CompletableFuture<Result> result) {
      this.attempted = attempted;
      this.refresh = refresh;
      this.result = result;
    }

    void add(Contact c, Reply reply, Throwable error) {
      if (error != null) {
        timeouts++;
      } else if (reply instanceof ErrorReply e) {
        if (refresh && e.code() == ErrorReply.SEQ_TOO_LOW) {
          already++;
          storedAt.add(c);
        } else {
          errors.merge(e.code(), 1, Integer::sum);
        }
      } else {
        stored++;
        storedAt.add(c);
      }
      if (++done == attempted) {
        finish();
      }
    }

    void finish() {
      result.complete(new Result(attempted, stored, already, errors, timeouts, storedAt));
    }
  }
}
