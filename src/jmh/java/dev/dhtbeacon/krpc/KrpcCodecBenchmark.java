package dev.dhtbeacon.krpc;

import dev.dhtbeacon.bencode.BDecoder;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BencodeException;
import dev.dhtbeacon.routing.Contact;
import dev.dhtbeacon.routing.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * KRPC codec throughput, ours against bt-dht's bundled mldht bencode (the8472), in messages per
 * second.
 *
 * <p>The workload is a fixed, shuffled set of {@value #MESSAGES} representative datagrams built
 * in {@link #setup()} from a seeded Random: 40% find_node/get_peers queries, 40% responses with
 * 8 IPv4 nodes and a token (and the BEP 42 {@code ip}), 10% BEP 44 get responses with a 200-byte
 * {@code v}, {@code k}, {@code sig}, {@code seq} and token, 10% pings and errors. Every
 * benchmark walks the whole set per invocation; {@link OperationsPerInvocation} makes one op one
 * message.
 *
 * <ul>
 *   <li>{@code decodeOurs}: {@link KrpcCodec#decode(byte[])}, bencode and KRPC parsing into
 *       message records.
 *   <li>{@code decodeOursBencodeOnly}: only our {@link BDecoder}, the like-for-like counterpart
 *       of {@code decodeBtDht}.
 *   <li>{@code encodeOurs}: {@link KrpcCodec#encode} of the decoded messages, a fresh exact-size
 *       byte[] each.
 *   <li>{@code decodeBtDht}: {@code the8472.bencode.BDecoder.decode} of the same bytes into
 *       {@code Map<String, Object>} (bencode only; mldht's KRPC layer is not measured).
 *   <li>{@code encodeBtDht}: {@code the8472.bencode.BEncoder.encodeInto} of those maps into one
 *       reused 1500-byte buffer, as mldht's {@code MessageBase.encode(ByteBuffer)} does.
 * </ul>
 *
 * <p>Run (from the project root):
 *
 * <pre>
 * mvn -q -B -o test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
 * java -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" \
 *     org.openjdk.jmh.Main KrpcCodecBenchmark -f 3 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 *
 * <p>(Writing the classpath to a file avoids the ANSI escape that {@code mvn -q} prints before
 * {@code -Dmdep.outputFile=/dev/stdout} output, which would spoil the first classpath entry.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KrpcCodecBenchmark {
  static final int MESSAGES = 1024;

  private final KrpcCodec codec = new KrpcCodec();
  private final BDecoder bencodeDecoder = new BDecoder();
  private final the8472.bencode.BDecoder btDecoder = new the8472.bencode.BDecoder();
  private final the8472.bencode.BEncoder btEncoder = new the8472.bencode.BEncoder();
  private final ByteBuffer btBuffer = ByteBuffer.allocate(1500);

  private byte[][] wire;
  private KrpcMessage[] messages;
  private List<Map<String, Object>> maps;

  @Setup
  public void setup() throws MalformedMessageException {
    Random random = new Random(0xbe7c4L);
    List<KrpcMessage> built = new ArrayList<>(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      int slot = i % 10;
      if (slot < 4) {
        built.add(lookupQuery(random, slot % 2 == 0));
      } else if (slot < 8) {
        built.add(Response.builder(tid(random), id(random)).version("LT\u0002\u0010")
            .requesterIp(peer(random)).nodes(contacts(random, 8), List.of())
            .token(BString.of(bytes(random, 8))).build());
      } else if (slot == 8) {
        built.add(Response.builder(tid(random), id(random)).version("LT\u0002\u0010")
            .token(BString.of(bytes(random, 8)))
            .item(BString.of(bytes(random, 200)), BString.of(bytes(random, 32)),
                BString.of(bytes(random, 64)), (long) random.nextInt(1 << 20)).build());
      } else if (i % 20 == 9) {
        built.add(new Query(tid(random), id(random), false, "LT\u0002\u0010",
            new QueryArgs.Ping()));
      } else {
        built.add(new ErrorReply(tid(random), ErrorReply.PROTOCOL, "invalid token", null));
      }
    }
    Collections.shuffle(built, random);
    wire = new byte[MESSAGES][];
    messages = new KrpcMessage[MESSAGES];
    maps = new ArrayList<>(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      wire[i] = codec.encode(built.get(i));
      messages[i] = codec.decode(wire[i]);
      maps.add(btDecoder.decode(ByteBuffer.wrap(wire[i])));
    }
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void decodeOurs(Blackhole bh) throws MalformedMessageException {
    for (byte[] w : wire) {
      bh.consume(codec.decode(w));
    }
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void decodeOursBencodeOnly(Blackhole bh) throws BencodeException {
    for (byte[] w : wire) {
      bh.consume(bencodeDecoder.decode(w));
    }
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void encodeOurs(Blackhole bh) {
    for (KrpcMessage m : messages) {
      bh.consume(codec.encode(m));
    }
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void decodeBtDht(Blackhole bh) {
    for (byte[] w : wire) {
      bh.consume(btDecoder.decode(ByteBuffer.wrap(w)));
    }
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void encodeBtDht(Blackhole bh) {
    for (Map<String, Object> map : maps) {
      btBuffer.clear();
      btEncoder.encodeInto(map, btBuffer);
      bh.consume(btBuffer.position());
    }
  }

  // ---- workload

  private static Query lookupQuery(Random random, boolean findNode) {
    QueryArgs args = findNode ? new QueryArgs.FindNode(id(random), Want.UNSPECIFIED)
        : new QueryArgs.GetPeers(id(random), Want.UNSPECIFIED);
    return new Query(tid(random), id(random), false, "LT\u0002\u0010", args);
  }

  private static List<Contact> contacts(Random random, int n) {
    List<Contact> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Contact(id(random), peer(random)));
    }
    return out;
  }

  private static InetSocketAddress peer(Random random) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(bytes(random, 4)),
          1 + random.nextInt(65_535));
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }

  private static TransactionId tid(Random random) {
    return TransactionId.ofInt(random.nextInt());
  }

  private static NodeId id(Random random) {
    return NodeId.random(random);
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
