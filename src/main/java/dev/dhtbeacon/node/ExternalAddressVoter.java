package dev.dhtbeacon.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Learns our external address from the BEP 42 {@code ip} field of responses: each responding
 * IP has one vote (its latest), the most recent {@link #VOTERS} voters count, and the address
 * named by the most voters wins. One peer cannot outvote the rest by answering often.
 *
 * <p>Not thread-safe: the owning node's event loop uses it.
 */
public final class ExternalAddressVoter {
  /** How many distinct voters are remembered. */
  public static final int VOTERS = 64;

  private final LinkedHashMap<InetAddress, InetSocketAddress> votes =
      new LinkedHashMap<>(VOTERS * 2, 0.75f, true);

  /** Records that {@code voter} sees us as {@code external}. */
  public void vote(InetAddress voter, InetSocketAddress external) {
    votes.put(voter, external);
    if (votes.size() > VOTERS) {
      Iterator<InetAddress> oldest = votes.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /** The address most voters named, or null before any vote. */
  public InetSocketAddress winner() {
    Map<InetSocketAddress, Integer> counts = new HashMap<>();
    InetSocketAddress best = null;
    int bestCount = 0;
    for (InetSocketAddress a : votes.values()) {
      int n = counts.merge(a, 1, Integer::sum);
      if (n > bestCount) {
        best = a;
        bestCount = n;
      }
    }
    return best;
  }

  /** How many voters agree with {@link #winner()}. */
  public int winnerVotes() {
    InetSocketAddress w = winner();
    return w == null ? 0 : (int) votes.values().stream().filter(w::equals).count();
  }

  public int voters() {
    return votes.size();
  }
}
