package dev.dhtbeacon.node;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.krpc.KrpcCodec;
import dev.dhtbeacon.krpc.KrpcMessage;
import dev.dhtbeacon.krpc.Query;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Reply;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.krpc.TransactionId;
import dev.dhtbeacon.krpc.Want;
import dev.dhtbeacon.routing.NodeId;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A raw UDP socket on a loopback address that asks a node one query at a time and waits
 * (3 s at most) for the reply to it: what a node answers, seen from outside, with nothing of
 * ours between the test and the wire. Not thread-safe; one per test.
 */
public final class RawQuerier implements AutoCloseable {
  private static final KrpcCodec CODEC = new KrpcCodec();
  private static final String VERSION = "TR01";

  private final DatagramSocket socket;
  private final NodeId id;
  private int nextTid = 1;

  /** Binds an ephemeral port on {@code ip}, which must be a loopback address. */
  public RawQuerier(InetAddress ip, NodeId id) throws Exception {
    assertTrue(ip.isLoopbackAddress(), ip + " is not a loopback address");
    this.socket = new DatagramSocket(new InetSocketAddress(ip, 0));
    this.id = id;
  }

  /** The node id this querier sends. */
  public NodeId id() {
    return id;
  }

  /** The socket's address, as the node sees it. */
  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  public Exchange ask(DhtNode to, QueryArgs args) throws Exception {
    return ask(to, args, false);
  }

  /** Sends {@code args} (as a BEP 43 read-only node if {@code readOnly}) and awaits the reply. */
  public Exchange ask(DhtNode to, QueryArgs args, boolean readOnly) throws Exception {
    byte[] tid = {'r', (byte) nextTid++};
    return askRaw(to, CODEC.encode(new Query(TransactionId.of(tid), id, readOnly, VERSION,
        args)), tid);
  }

  /** A {@code get} for {@code target}, returning the write token. */
  public BString token(DhtNode to, NodeId target) throws Exception {
    BString token = ask(to, new QueryArgs.Get(target, null, Want.UNSPECIFIED)).response()
        .token();
    assertNotNull(token, "get answered without a token");
    return token;
  }

  /** Gets a token for {@code target}, then sends the put {@code put} makes with it. */
  public Exchange put(DhtNode to, NodeId target, Function<BString, QueryArgs.Put> put)
      throws Exception {
    return ask(to, put.apply(token(to, target)));
  }

  /**
   * Sends the encoded {@code query} and returns the reply carrying {@code tid} from the node's
   * address, skipping all else (the node may query us: we are in its table now). A query must
   * fit an Ethernet-sized datagram, as on the real network.
   */
  public Exchange askRaw(DhtNode to, byte[] query, byte[] tid) throws Exception {
    InetSocketAddress dest = to.address();
    assertTrue(dest.getAddress().isLoopbackAddress());
    assertTrue(query.length <= 1_500, query.length + " bytes");
    socket.send(new DatagramPacket(query, query.length, dest));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
    while (System.nanoTime() < deadline) {
      socket.setSoTimeout(250);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        continue;
      }
      byte[] bytes = Arrays.copyOf(p.getData(), p.getLength());
      BDictionary d = new BDecoder().decodeDictionary(bytes);
      if (!"q".equals(d.text("y")) && Arrays.equals(tid, d.bytes("t"))
          && dest.equals(p.getSocketAddress())) {
        return new Exchange(query, bytes);
      }
    }
    throw new AssertionError("no reply from " + dest);
  }

  @Override
  public void close() {
    socket.close();
  }

  /**
   * One query and its reply, both as sent on the wire.
   *
   * @param sentBytes the query
   * @param bytes the reply
   */
  public record Exchange(byte[] sentBytes, byte[] bytes) {
    /** The reply's size in bytes. */
    public int size() {
      return bytes.length;
    }

    /** The reply as a bencoded dictionary, unvalidated. */
    public BDictionary raw() throws Exception {
      return new BDecoder().decodeDictionary(bytes);
    }

    /** The reply decoded: a response or an error. */
    public Reply reply() throws Exception {
      KrpcMessage m = CODEC.decode(bytes);
      return assertInstanceOf(Reply.class, m);
    }

    /** The reply, which must be a response. */
    public Response response() throws Exception {
      Reply r = reply();
      return assertInstanceOf(Response.class, r, () -> "got " + r);
    }
  }
}
