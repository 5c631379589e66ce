package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDictionary;

/**
 * The last item published under a key: enough to republish it byte for byte (same seq, same
 * signature) and to never publish a lower seq.
 *
 * @param salt empty when unsalted
 */
public record PublishedItem(byte[] salt, long seq, byte[] encodedV, byte[] sig,
    long publishedMillis) {

  BDictionary toBencode() {
    return BDictionary.builder().put("salt", salt).put("seq", seq).put("v", encodedV)
        .put("sig", sig).put("at", publishedMillis).build();
  }

  static PublishedItem fromBencode(BDictionary d) {
    Long seq = d.integer("seq");
    Long at = d.integer("at");
    byte[] salt = d.bytes("salt");
    byte[] v = d.bytes("v");
    byte[] sig = d.bytes("sig");
    if (seq == null || at == null || salt == null || v == null || sig == null) {
      throw new IllegalStateException("incomplete published entry");
    }
    return new PublishedItem(salt, seq, v, sig, at);
  }
}
