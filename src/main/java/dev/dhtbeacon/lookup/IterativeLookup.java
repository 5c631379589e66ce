package dev.dhtbeacon.lookup;

import dev.dhtbeacon.krpc.ErrorReply;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Kademlia lookup toward a target, for any {@link LookupMethod}: the single query engine
 * behind find_node, get_peers and get.
 *
 * <p>Keeps candidates ordered by XOR distance and at most {@code alpha} queries waiting. A query
 * unanswered after the adaptive stall time stops counting against {@code alpha}, so the lookup
 * goes on past a slow or dead node at once; a late answer is still used. The lookup ends when
 * the {@code k} closest candidates that have neither failed nor lapsed (below) have all
 * answered, or when nothing is left to ask.
 *
 * <p>A stalled query among those {@code k} holds the lookup open for up to {@link #PATIENCE}
 * stall times, as libtorrent holds it for outstanding queries at the top of its list: the
 * nodes nearest the target are the ones that store items and peers, and a lookup that ends
 * without a slow one's answer can miss the only copy it needed. After that the query lapses:
 * a dead node costs at most the patience, not the full timeout, and a late answer still counts
 * if it comes before the lookup ends.
 *
 * <p>Runs entirely on the host's event loop; {@link #start} may be called from any thread.
 */
public final class IterativeLookup {
  private enum State { FRESH, WAITING, STALLED, LAPSED, ANSWERED, FAILED }

  /** How many stall times a stalled query among the k closest holds the lookup open. */
  static final int PATIENCE = 4;

  private static final class Candidate {
    final Contact contact;
    final int round;
    State state = State.FRESH;
    Response response;

    Candidate(Contact contact, int round) {
      this.contact = contact;
      this.round = round;
    }
  }

  private final LookupHost host;
  private final NodeId target;
  private final LookupMethod method;
  private final LookupSettings settings;
  private final TreeMap<NodeId, Candidate> byDistance = new TreeMap<>();
  private final Set<InetSocketAddress> addresses = new HashSet<>();
  private final List<LookupResult.Responder> withValues = new ArrayList<>();
  private final CompletableFuture<LookupResult> result = new CompletableFuture<>();
  private long startNanos;
  private int waiting;
  private int inFlight;
  private int queried;
  private int timeouts;
  private int errors;

  public IterativeLookup(LookupHost host, NodeId target, LookupMethod method,
      LookupSettings settings) {
    this.host = host;
    this.target = target;
    this.method = method;
    this.settings = settings;
  }

  /** Starts from {@code seeds} (usually the routing table's closest) and returns the result. */
  public CompletableFuture<LookupResult> start(Collection<Contact> seeds) {
    host.loop().execute(() -> {
      startNanos = System.nanoTime();
      for (Contact c : seeds) {
        offer(c, 1);
      }
      step();
    });
    return result;
  }

  private void offer(Contact c, int round) {
    if (c.id().equals(host.localId()) || !host.mayQuery(c) || !addresses.add(c.address())) {
      return;
    }
    byDistance.putIfAbsent(target.xor(c.id()), new Candidate(c, round));
  }

  private void step() {
    if (result.isDone()) {
      return;
    }
    while (waiting < settings.alpha() && queried < settings.maxQueries()) {
      Candidate next = nextToQuery();
      if (next == null) {
        break;
      }
      send(next);
    }
    if (isFinished()) {
      finish();
    }
  }

  /** The closest fresh candidate that could still enter the k closest, or null. */
  private Candidate nextToQuery() {
    int better = 0;
    for (Candidate c : byDistance.values()) {
      if (c.state == State.FRESH) {
        return c;
      }
      if (c.state == State.ANSWERED || c.state == State.WAITING) {
        if (++better >= settings.k()) {
          return null;
        }
      }
    }
    return null;
  }

  private boolean isFinished() {
    int answered = 0;
    for (Candidate c : byDistance.values()) {
      switch (c.state) {
        case ANSWERED:
          if (++answered >= settings.k()) {
            return true;
          }
          break;
        case FRESH:
          if (queried < settings.maxQueries()) {
            return false;
          }
          break;
        case WAITING, STALLED:
          return false;
        default:
          break;
      }
    }
    return waiting == 0 && (inFlight == 0 || answered > 0 || queried >= settings.maxQueries());
  }

  private void send(Candidate c) {
    c.state = State.WAITING;
    waiting++;
    inFlight++;
    queried++;
    long stall = host.rtt().stallMillis();
    host.loop().schedule(() -> onStall(c, stall), stall, TimeUnit.MILLISECONDS);
    host.query(c.contact, method.query(target, settings.want()), settings.queryTimeoutMillis())
        .whenComplete((reply, error) -> onReply(c, reply, error));
  }

  private void onStall(Candidate c, long stall) {
    if (c.state == State.WAITING) {
      c.state = State.STALLED;
      waiting--;
      host.loop().schedule(() -> onLapse(c), (PATIENCE - 1) * stall, TimeUnit.MILLISECONDS);
      step();
    }
  }

  private void onLapse(Candidate c) {
    if (c.state == State.STALLED) {
      c.state = State.LAPSED;
      step();
    }
  }

  private void onReply(Candidate c, Reply reply, Throwable error) {
    inFlight--;
    if (c.state == State.WAITING) {
      waiting--;
    }
    if (error != null || reply instanceof ErrorReply) {
      if (error != null) {
        timeouts++;
      } else {
        errors++;
      }
      c.state = State.FAILED;
    } else {
      Response r = (Response) reply;
      if (!r.sender().equals(c.contact.id())) {
        // It answered with another id: not the node we were told about. Do not trust it.
        c.state = State.FAILED;
      } else {
        c.state = State.ANSWERED;
        c.response = r;
        if (r.v() != null || !r.values().isEmpty()) {
          withValues.add(new LookupResult.Responder(c.contact, r));
        }
        for (Contact next : r.allNodes()) {
          offer(next, c.round + 1);
        }
      }
    }
    step();
  }

  private void finish() {
    List<LookupResult.Responder> closest = new ArrayList<>(settings.k());
    int rounds = 0;
    for (Map.Entry<NodeId, Candidate> e : byDistance.entrySet()) {
      Candidate c = e.getValue();
      if (c.state == State.ANSWERED) {
        rounds = Math.max(rounds, c.round);
        if (closest.size() < settings.k()) {
          closest.add(new LookupResult.Responder(c.contact, c.response));
        }
      }
    }
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    result.complete(new LookupResult(target, closest, withValues, queried, timeouts, errors,
        rounds, millis));
  }
}
