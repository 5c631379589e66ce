package dev.dhtbeacon.krpc;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Queries awaiting a reply, keyed by our 4-byte transaction id. A reply matches only if both
 * its tid and its source endpoint match, so a third party cannot answer for a node it does not
 * control by guessing tids, and tids come from a {@link SecureRandom} so they cannot be
 * predicted from earlier ones. Used only on the transport's event loop.
 */
final class PendingQueries {
  private record Pending(InetSocketAddress to, String method, CompletableFuture<Reply> future,
      ScheduledFuture<?> timeout) {
  }

  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  /** Tids drawn at once: one SecureRandom call per query was 2% of a crawler's CPU. */
  private static final int TID_BATCH = 256;

  private final Map<Integer, Pending> pending = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final byte[] tidBytes = new byte[TID_BATCH * Integer.BYTES];
  private int tidNext = tidBytes.length;
  private final EventLoop loop;
  private final TransportCounters counters;
  private final int capacity;

  PendingQueries(EventLoop loop, TransportCounters counters, int capacity) {
    this.loop = loop;
    this.counters = counters;
    this.capacity = capacity;
  }

  /** Registers a query and returns its fresh tid, or null when at capacity. */
  TransactionId register(InetSocketAddress to, String method, CompletableFuture<Reply> future,
      long timeoutMillis) {
    if (pending.size() >= capacity) {
      return null;
    }
    int key;
    do {
      key = nextRandomInt();
    } while (pending.containsKey(key));
    int k = key;
    ScheduledFuture<?> timeout = loop.schedule(() -> expire(k, timeoutMillis), timeoutMillis,
        TimeUnit.MILLISECONDS);
    pending.put(key, new Pending(to, method, future, timeout));
    return TransactionId.ofInt(key);
  }

  /**
   * A fresh random int from a batch drawn ahead. Drawn tids are as unpredictable as ever: an
   * attacker sees a tid only once it is sent.
   */
  private int nextRandomInt() {
    if (tidNext == tidBytes.length) {
      random.nextBytes(tidBytes);
      tidNext = 0;
    }
    int value = (int) INT.get(tidBytes, tidNext);
    tidNext += Integer.BYTES;
    return value;
  }

  /** Completes the matching query; false when nothing matches (unknown tid or wrong sender). */
  boolean complete(Reply reply, InetSocketAddress from) {
    long ours = reply.tid().asOurs();
    if (ours < 0) {
      return false;
    }
    int key = (int) ours;
    Pending p = pending.get(key);
    if (p == null || !p.to().equals(from)) {
      return false;
    }
    pending.remove(key);
    p.timeout().cancel(false);
    counters.byMethod.packet(PacketCounters.Direction.IN, reply instanceof ErrorReply
        ? PacketCounters.Type.ERROR : PacketCounters.Type.RESPONSE, p.method());
    p.future().complete(reply);
    return true;
  }

  /** Fails a query whose datagram could not be sent. */
  void fail(TransactionId tid, Throwable cause) {
    Pending p = pending.remove((int) tid.asOurs());
    if (p != null) {
      p.timeout().cancel(false);
      p.future().completeExceptionally(cause);
    }
  }

  int size() {
    return pending.size();
  }

  /** Fails every pending query, on shutdown. */
  void failAll(IOException cause) {
    List<Pending> all = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending p : all) {
      p.timeout().cancel(false);
      p.future().completeExceptionally(cause);
    }
  }

  private void expire(int key, long millis) {
    Pending p = pending.remove(key);
    if (p != null) {
      counters.timeouts.increment();
      counters.byMethod.timeout(p.method());
      p.future().completeExceptionally(new QueryTimeoutException(p.to(), p.method(), millis));
    }
  }
}
