package dev.dhtbeacon.crawl;

/**
 * A sweep's arc cut into equal segments walked side by side (a power of two of them), each
 * with its cursor, the highest position handed out there, and its horizon, the highest position
 * dropped from memory there (additions at or below it are ignored). Loop-confined.
 */
final class SweepSegments {
  private final Arc arc;
  private int count = 1;
  /** Segment i spans [bounds[i], bounds[i + 1]): computed once, asked for on every pick. */
  private Int192[] bounds;
  /** log2 of the segment width when the arc's span is a power of two (always, in practice). */
  private int shift = -1;
  private Int192 width;
  private Int192[] cursors = {Int192.ZERO};
  /** Null where nothing was dropped. */
  private Int192[] horizons = {null};

  SweepSegments(Arc arc) {
    this.arc = arc;
    setWidth(1);
  }

  /**
   * Cuts the arc into {@code k} segments (a power of two, before the sweep starts). A cursor
   * restored by {@link #resumeAt} stays in the segment that holds it; the horizon applies to
   * every segment.
   */
  void cut(int k) {
    if (k < 1 || Integer.bitCount(k) != 1) {
      throw new IllegalArgumentException("segments must be a power of two, got " + k);
    }
    Int192 saved = cursors[0];
    Int192 horizon = horizons[0];
    count = k;
    setWidth(k);
    cursors = new Int192[k];
    horizons = new Int192[k];
    for (int i = 0; i < k; i++) {
      cursors[i] = start(i);
      horizons[i] = horizon;
    }
    if (saved.signum() > 0) {
      cursors[of(saved)] = saved;
    }
  }

  private void setWidth(int k) {
    Int192 span = arc.span();
    width = span.divide(Int192.valueOf(k));
    shift = span.bitCount() == 1 ? width.bitLength() - 1 : -1;
    bounds = new Int192[k + 1];
    for (int i = 0; i < k; i++) {
      bounds[i] = width.multiply(Int192.valueOf(i));
    }
    bounds[k] = span;
  }

  int count() {
    return count;
  }

  /** The segment holding {@code position}. */
  int of(Int192 position) {
    int seg = shift >= 0 ? position.shiftRight(shift).intValue()
        : position.divide(width).intValue();
    return Math.min(count - 1, seg);
  }

  Int192 start(int segment) {
    return bounds[segment];
  }

  /** The first position after segment {@code segment}. */
  Int192 end(int segment) {
    return bounds[segment + 1];
  }

  /** The horizon of the segment holding {@code position}, or null if nothing was dropped. */
  Int192 horizonAt(Int192 position) {
    return horizons[of(position)];
  }

  /** Raises the horizon of {@code segment} to {@code position}; never lowers it. */
  void raiseHorizon(int segment, Int192 position) {
    // A held-back entry finished late lies below what earlier drops reached, and a lower
    // horizon would let those dropped nodes be found again.
    if (horizons[segment] == null || position.compareTo(horizons[segment]) > 0) {
      horizons[segment] = position;
    }
  }

  /** The lowest horizon: everything below it was dropped from memory. */
  Int192 lowestHorizon() {
    Int192 min = null;
    for (Int192 h : horizons) {
      if (h == null) {
        return Int192.ZERO;
      }
      min = min == null ? h : min.min(h);
    }
    return min == null ? Int192.ZERO : min;
  }

  /** {@code position} was handed out: its segment's cursor moves up to it. */
  void advanceCursor(Int192 position) {
    int seg = of(position);
    if (position.compareTo(cursors[seg]) > 0) {
      cursors[seg] = position;
    }
  }

  Int192 cursor(int segment) {
    return cursors[segment];
  }

  /** The highest position handed out so far. */
  Int192 highestCursor() {
    Int192 max = Int192.ZERO;
    for (Int192 c : cursors) {
      max = max.max(c);
    }
    return max;
  }

  /** How much of the arc lies behind the cursors, from 0 to 1. */
  double cursorFraction() {
    Int192 behind = Int192.ZERO;
    for (int i = 0; i < count; i++) {
      behind = behind.add(cursors[i].subtract(start(i)));
    }
    return arc.fraction(behind);
  }

  /** Restores a saved sweep's cursor and horizon, before {@link #cut}. */
  void resumeAt(Int192 cursor, Int192 horizon) {
    cursors[0] = cursor;
    for (int i = 0; i < horizons.length; i++) {
      horizons[i] = horizon.signum() > 0 ? horizon : null;
    }
  }
}
