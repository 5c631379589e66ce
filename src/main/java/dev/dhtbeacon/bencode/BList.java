package dev.dhtbeacon.bencode;

import java.util.List;

/** A bencode list. */
public record BList(List<BValue> items) implements BValue {
  public BList {
    items = List.copyOf(items);
  }
}
