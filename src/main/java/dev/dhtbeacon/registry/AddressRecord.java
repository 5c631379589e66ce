package dev.dhtbeacon.registry;

import dev.dhtbeacon.bencode.BDictionary;
import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BList;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.routing.Endpoints;
import dev.dhtbeacon.storage.Bep44;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The value a server publishes: its endpoints and when this version was first published.
 *
 * <p>Wire form ({@code v} of the BEP 44 item): a dictionary with {@code a}, a list of 1 to 16
 * compact endpoints (6 bytes IPv4 + port or 18 bytes IPv6 + port, network order), and {@code t},
 * the publish time in Unix seconds. Unknown keys are ignored. Resolvers also accept plain UTF-8
 * text {@code IP:port[,IP:port]}, as simpler publishers write it.
 *
 * @param publishedSeconds when this value was first published; kept while the addresses stay
 *     the same, so an unchanged record keeps its bytes, its seq and its signature
 */
public record AddressRecord(List<InetSocketAddress> addresses, long publishedSeconds) {
  /** At most this many endpoints per record. */
  public static final int MAX_ADDRESSES = 16;

  /**
   * @throws IllegalArgumentException for no address, more than 16, or an unresolved or port-0
   *     endpoint
   */
  public AddressRecord {
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty() || addresses.size() > MAX_ADDRESSES) {
      throw new IllegalArgumentException("a record holds 1 to " + MAX_ADDRESSES
          + " addresses, got " + addresses.size());
    }
    for (InetSocketAddress a : addresses) {
      if (a.isUnresolved() || a.getPort() == 0) {
        throw new IllegalArgumentException("not a usable endpoint: " + a);
      }
    }
  }

  /** The bencoded dictionary published as {@code v}. */
  public BValue encode() {
    List<BValue> compact = new ArrayList<>(addresses.size());
    for (InetSocketAddress a : addresses) {
      compact.add(BString.of(Endpoints.compact(a)));
    }
    BDictionary v = BDictionary.builder().put("a", new BList(compact))
        .put("t", publishedSeconds).build();
    if (BEncoder.encode(v).length > Bep44.MAX_VALUE_BYTES) {
      throw new AssertionError("16 endpoints always fit in 1000 bytes");
    }
    return v;
  }

  /**
   * Reads a published value: the dictionary form, or the plain-text form.
   *
   * @throws IllegalArgumentException if it is neither, or lists no usable endpoint
   */
  public static AddressRecord decode(BValue v) {
    if (v instanceof BDictionary d) {
      BList a = d.list("a");
      if (a == null) {
        throw new IllegalArgumentException("record has no 'a' list");
      }
      List<InetSocketAddress> out = new ArrayList<>();
      for (BValue item : a.items()) {
        InetSocketAddress e = item instanceof BString s ? Endpoints.fromCompact(s.bytes()) : null;
        if (e == null || e.getPort() == 0) {
          throw new IllegalArgumentException("record has a malformed endpoint");
        }
        out.add(e);
      }
      Long t = d.integer("t");
      return new AddressRecord(out, t == null ? 0 : t);
    }
    if (v instanceof BString s) {
      return fromText(strictUtf8(s.bytes()));
    }
    throw new IllegalArgumentException("record is neither a dictionary nor text");
  }

  /** Parses {@code IP:port[,IP:port]}; IP literals only, never a DNS lookup. */
  public static AddressRecord fromText(String text) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      out.add(Endpoints.parse(part.strip()));
    }
    return new AddressRecord(out, 0);
  }

  /** {@code ip:port} strings, {@code [v6]:port} for IPv6. */
  public List<String> formatted() {
    return addresses.stream().map(Endpoints::format).toList();
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("record text is not UTF-8");
    }
  }
}
