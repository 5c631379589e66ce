package dev.dhtbeacon.service;

import dev.dhtbeacon.bencode.Hex;
import dev.dhtbeacon.registry.AddressRecord;
import dev.dhtbeacon.registry.MutableItem;
import dev.dhtbeacon.registry.ResolveResult;
import dev.dhtbeacon.storage.Bep44;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shapes of a resolve: what {@code resolve --json} prints and {@code /resolve/KEY}
 * serves (one shape, so {@code resolve --via} prints exactly what a direct resolve does), and
 * the signed item {@code /item/KEY} serves.
 */
public final class ResolveJson {
  private ResolveJson() {
  }

  /**
   * {@code key, found, seq, addresses, published, nodes_queried, invalid_items, ms}; seq and
   * published are null when not found.
   *
   * @param ms the time to report (the caller's view: a CLI counts its bootstrap too)
   */
  public static Map<String, Object> resolve(ResolveResult r, long ms) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", r.key().hex());
    m.put("found", r.found());
    m.put("seq", r.found() ? r.seq() : null);
    m.put("addresses", r.addresses());
    m.put("published", r.found() ? r.record().publishedSeconds() : null);
    m.put("nodes_queried", r.nodesQueried());
    m.put("invalid_items", r.invalidItems());
    m.put("ms", ms);
    return m;
  }

  /**
   * The BEP 44 item as stored on the DHT, for clients that verify it themselves: {@code k},
   * {@code salt} (null when none), {@code seq}, {@code sig} and {@code v} (the bencoded value)
   * as lowercase hex; {@code signed}, the exact buffer the signature covers (BEP 44:
   * {@code [4:salt<len>:<salt>]3:seqi<seq>e1:v<v>}); {@code target}, SHA-1(k [‖ salt]); and
   * {@code record}, v decoded as an address record ({@code addresses}, {@code published}), or
   * null when v is not one.
   */
  public static Map<String, Object> item(MutableItem item) {
    byte[] v = item.encodedV();
    byte[] salt = item.salt();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("k", item.key().hex());
    m.put("salt", salt == null ? null : Hex.encode(salt));
    m.put("seq", item.seq());
    m.put("sig", Hex.encode(item.sig()));
    m.put("v", Hex.encode(v));
    m.put("signed", Hex.encode(Bep44.signedBuffer(salt, item.seq(), v)));
    m.put("target", item.target().hex());
    m.put("record", record(item));
    return m;
  }

  private static Map<String, Object> record(MutableItem item) {
    try {
      AddressRecord record = AddressRecord.decode(item.v());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("addresses", record.formatted());
      m.put("published", record.publishedSeconds());
      return m;
    } catch (RuntimeException e) {
      // Not an address record (another app's value, or malformed): the raw v still verifies.
      return null;
    }
  }
}
