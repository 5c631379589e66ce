package dev.dhtbeacon.bencode;

/**
 * A decoded bencode value: a byte string, an integer, a list or a dictionary.
 *
 * <p>Values are immutable. Dictionary keys are byte strings mapped one byte to one char
 * (ISO-8859-1), so ordering them as {@code String}s orders them as unsigned bytes, which is
 * the canonical bencode order.
 */
public sealed interface BValue permits BString, BInteger, BList, BDictionary {
}
