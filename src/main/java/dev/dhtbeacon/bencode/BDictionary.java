package dev.dhtbeacon.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A bencode dictionary with keys in canonical (unsigned byte) order.
 *
 * <p>A dictionary read by {@link BDecoder} remembers where each value sat in the input, so
 * {@link #raw(String)} returns the exact bytes a peer sent: BEP 44 signatures cover the
 * encoded {@code v} byte for byte.
 */
public final class BDictionary implements BValue {
  private final SortedMap<String, BValue> entries;
  private final byte[] source;
  private final Map<String, int[]> spans;

  BDictionary(SortedMap<String, BValue> entries, byte[] source, Map<String, int[]> spans) {
    this.entries = Collections.unmodifiableSortedMap(entries);
    this.source = source;
    this.spans = spans;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The entries, keys as ISO-8859-1 strings in canonical order. */
  public SortedMap<String, BValue> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  public boolean containsKey(String key) {
    return entries.containsKey(key);
  }

  public BValue get(String key) {
    return entries.get(key);
  }

  /** The bytes of a string entry, or null if absent or not a string. */
  public byte[] bytes(String key) {
    return entries.get(key) instanceof BString s ? s.bytes() : null;
  }

  /** A string entry as UTF-8 text, or null if absent or not a string. */
  public String text(String key) {
    return entries.get(key) instanceof BString s ? s.utf8() : null;
  }

  /** An integer entry, or null if absent or not an integer. */
  public Long integer(String key) {
    return entries.get(key) instanceof BInteger i ? i.value() : null;
  }

  /** A dictionary entry, or null if absent or not a dictionary. */
  public BDictionary dictionary(String key) {
    return entries.get(key) instanceof BDictionary d ? d : null;
  }

  /** A list entry, or null if absent or not a list. */
  public BList list(String key) {
    return entries.get(key) instanceof BList l ? l : null;
  }

  /**
   * The encoded bytes of an entry's value exactly as they appeared in the decoded input, or
   * the canonical encoding for a dictionary built in code; null if the key is absent.
   */
  public byte[] raw(String key) {
    int[] span = spans.get(key);
    if (span != null) {
      return Arrays.copyOfRange(source, span[0], span[1]);
    }
    BValue value = entries.get(key);
    return value == null ? null : BEncoder.encode(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BDictionary other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.toString();
  }

  /** Builds a dictionary in code; later puts replace earlier ones. */
  public static final class Builder {
    private final TreeMap<String, BValue> entries = new TreeMap<>();

    private Builder() {
    }

    public Builder put(String key, BValue value) {
      entries.put(key, value);
      return this;
    }

    public Builder put(String key, byte[] bytes) {
      return put(key, BString.of(bytes));
    }

    public Builder put(String key, String utf8) {
      return put(key, BString.wrap(utf8.getBytes(StandardCharsets.UTF_8)));
    }

    public Builder put(String key, long value) {
      return put(key, new BInteger(value));
    }

    /** Adds the entry only when {@code value} is not null. */
    public Builder putIfPresent(String key, BValue value) {
      return value == null ? this : put(key, value);
    }

    /** Adds the entry only when {@code bytes} is not null. */
    public Builder putIfPresent(String key, byte[] bytes) {
      return bytes == null ? this : put(key, bytes);
    }

    public BDictionary build() {
      return new BDictionary(new TreeMap<>(entries), null, Map.of());
    }
  }
}
