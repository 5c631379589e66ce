package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDictionary;

/**
 * A resolved item kept for a while: the verified value with its seq and signature, and when it
 * was fetched.
 */
public record CachedItem(long seq, byte[] encodedV, byte[] sig, long fetchedMillis,
    int nodesQueried) {

  BDictionary toBencode() {
    return BDictionary.builder().put("seq", seq).put("v", encodedV).put("sig", sig)
        .put("at", fetchedMillis).put("q", nodesQueried).build();
  }

  static CachedItem fromBencode(BDictionary d) {
    Long seq = d.integer("seq");
    Long at = d.integer("at");
    Long q = d.integer("q");
    byte[] v = d.bytes("v");
    byte[] sig = d.bytes("sig");
    if (seq == null || at == null || v == null || sig == null) {
      throw new IllegalStateException("incomplete cache entry");
    }
    return new CachedItem(seq, v, sig, at, q == null ? 0 : q.intValue());
  }
}
