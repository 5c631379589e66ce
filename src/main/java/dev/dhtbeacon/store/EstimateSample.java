package dev.dhtbeacon.store;

import dev.dhtbeacon.bencode.BDictionary;

/**
 * One point of a crawl's size-estimate history: what the crawl knew at {@code timeMillis}.
 * Estimates not made at that moment are {@code NaN}; the database keeps whole numbers (a
 * fraction of a node means nothing at these sizes), so values read back are rounded.
 *
 * @param timeMillis when, epoch milliseconds
 * @param nodesFound distinct nodes the current sweep had heard of
 * @param nodesAnswered nodes that had answered in the current sweep
 * @param density live nodes extrapolated from the sweep's node density, or NaN
 * @param zone the zone capture–recapture estimate, or NaN (made once, at the end of a sweep)
 * @param zoneError its standard error, or NaN
 * @param lookup the lookup (k-th distance) estimate, or NaN (made at the end of a sweep)
 * @param lookupError its standard error, or NaN
 */
public record EstimateSample(long timeMillis, long nodesFound, long nodesAnswered,
    double density, double zone, double zoneError, double lookup, double lookupError) {

  /** Whether any of the three estimates is a number. */
  public boolean hasEstimate() {
    return Double.isFinite(density) || Double.isFinite(zone) || Double.isFinite(lookup);
  }

  BDictionary toBencode() {
    BDictionary.Builder b = BDictionary.builder().put("t", timeMillis).put("found", nodesFound)
        .put("answered", nodesAnswered);
    putIfFinite(b, "density", density);
    putIfFinite(b, "zone", zone);
    putIfFinite(b, "zone_se", zoneError);
    putIfFinite(b, "lookup", lookup);
    putIfFinite(b, "lookup_se", lookupError);
    return b.build();
  }

  static EstimateSample fromBencode(BDictionary d) {
    Long t = d.integer("t");
    if (t == null) {
      throw new IllegalStateException("estimate sample without a time");
    }
    return new EstimateSample(t, count(d, "found"), count(d, "answered"), number(d, "density"),
        number(d, "zone"), number(d, "zone_se"), number(d, "lookup"), number(d, "lookup_se"));
  }

  private static void putIfFinite(BDictionary.Builder b, String key, double value) {
    // Bencode has no floats; NaN and infinities are simply left out.
    if (Double.isFinite(value)) {
      b.put(key, Math.round(value));
    }
  }

  private static long count(BDictionary d, String key) {
    Long v = d.integer(key);
    return v == null ? 0 : v;
  }

  private static double number(BDictionary d, String key) {
    Long v = d.integer(key);
    return v == null ? Double.NaN : v;
  }
}
