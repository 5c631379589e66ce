package dev.dhtbeacon.bencode;

/** A bencode integer ({@code i42e}); bencode integers we accept fit in a signed 64-bit long. */
public record BInteger(long value) implements BValue {
}
