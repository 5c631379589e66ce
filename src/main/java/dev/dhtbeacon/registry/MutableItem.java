package dev.dhtbeacon.registry;

import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.bencode.BValue;
import dev.dhtbeacon.crypto.Ed25519;
import dev.dhtbeacon.krpc.QueryArgs;
import dev.dhtbeacon.krpc.Response;
import dev.dhtbeacon.routing.NodeId;
import dev.dhtbeacon.storage.Bep44;
import java.util.Arrays;

/**
 * A signed BEP 44 mutable item: key, optional salt, sequence number, value and signature.
 * {@link #verify()} checks the signature; resolvers ignore items that fail it.
 */
public final class MutableItem {
  private final PublicKey key;
  private final byte[] salt;
  private final long seq;
  private final BValue v;
  private final byte[] encodedV;
  private final byte[] sig;

  private MutableItem(PublicKey key, byte[] salt, long seq, BValue v, byte[] sig) {
    this.key = key;
    this.salt = salt == null || salt.length == 0 ? null : salt.clone();
    this.seq = seq;
    this.v = v;
    this.encodedV = BEncoder.encode(v);
    this.sig = sig.clone();
  }

  /** Signs {@code v} at {@code seq} with {@code keys}. */
  public static MutableItem sign(KeyPair keys, byte[] salt, long seq, BValue v) {
    byte[] encoded = BEncoder.encode(v);
    byte[] sig = keys.sign(Bep44.signedBuffer(salt, seq, encoded));
    return new MutableItem(keys.publicKey(), salt, seq, v, sig);
  }

  /** An item as stored or received, not yet verified. */
  public static MutableItem of(PublicKey key, byte[] salt, long seq, BValue v, byte[] sig) {
    return new MutableItem(key, salt, seq, v, sig);
  }

  /**
   * The item a {@code get} response carries for {@code key}, or null if the response has no
   * complete item for it (another key, missing fields). Not verified.
   */
  public static MutableItem fromResponse(Response r, PublicKey key, byte[] salt) {
    if (r.v() == null || r.k() == null || r.sig() == null || r.seq() == null
        || !Arrays.equals(r.k().bytes(), key.bytes())) {
      return null;
    }
    return new MutableItem(key, salt, r.seq(), r.v(), r.sig().bytes());
  }

  /** Whether the signature is valid and the value within BEP 44's size limit. */
  public boolean verify() {
    return encodedV.length <= Bep44.MAX_VALUE_BYTES
        && Ed25519.verify(key.bytes(), Bep44.signedBuffer(salt, seq, encodedV), sig);
  }

  /** The DHT target: SHA-1(k), or SHA-1(k ‖ salt). */
  public NodeId target() {
    return Bep44.mutableTarget(key.bytes(), salt);
  }

  /** The put query that stores this item with {@code token}; {@code cas} may be null. */
  public QueryArgs.Put toPut(BString token, Long cas) {
    return new QueryArgs.Put(token, v, BString.of(key.bytes()), BString.of(sig), seq, cas,
        salt == null ? null : BString.of(salt));
  }

  /**
   * Orders items as resolvers choose between them: higher seq wins, and on a tie the larger
   * encoded value (unsigned byte order).
   */
  public int compareTo(MutableItem other) {
    int bySeq = Long.compare(seq, other.seq);
    return bySeq != 0 ? bySeq : Arrays.compareUnsigned(encodedV, other.encodedV);
  }

  public PublicKey key() {
    return key;
  }

  public byte[] salt() {
    return salt == null ? null : salt.clone();
  }

  public long seq() {
    return seq;
  }

  public BValue v() {
    return v;
  }

  public byte[] encodedV() {
    return encodedV.clone();
  }

  public byte[] sig() {
    return sig.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MutableItem m && key.equals(m.key) && seq == m.seq
        && Arrays.equals(salt, m.salt) && Arrays.equals(encodedV, m.encodedV)
        && Arrays.equals(sig, m.sig);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + Long.hashCode(seq);
  }
}
