package dev.dhtbeacon.report;

/**
 * The plotting area of a vertical chart: an SVG of {@value #WIDTH}×{@value #HEIGHT} units, a
 * y axis from 0 to a round maximum with grid lines, and the mapping from values to
 * coordinates.
 */
final class Plot {
  static final int WIDTH = 800;
  static final int HEIGHT = 320;
  static final double LEFT = 70;
  static final double RIGHT = 20;
  static final double TOP = 24;
  static final double BOTTOM = 46;
  private static final int Y_TICKS = 5;

  private final double yMax;
  private final double yStep;

  /** A plot whose y axis reaches at least {@code maxValue} (at least 1). */
  Plot(double maxValue) {
    this.yStep = niceStep(Math.max(maxValue, 1) / Y_TICKS);
    this.yMax = yStep * Math.ceil(Math.max(maxValue, 1) / yStep);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
  static double niceStep(double rough) {
    double power = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= rough) {
        return m * power;
      }
    }
    return 10 * power;
  }

  double innerWidth() {
    return WIDTH - LEFT - RIGHT;
  }

  double bottom() {
    return HEIGHT - BOTTOM;
  }

  /** The y coordinate of {@code value}, clamped to the plot. */
  double y(double value) {
    double clamped = Math.max(0, Math.min(yMax, value));
    return bottom() - clamped / yMax * (bottom() - TOP);
  }

  /** The x coordinate of a fraction (0 to 1) of the width. */
  double x(double fraction) {
    return LEFT + fraction * innerWidth();
  }

  /** Grid lines, tick labels and the y axis title. */
  void drawYAxis(Svg svg, String title) {
    for (double v = 0; v <= yMax + yStep / 2; v += yStep) {
      svg.line(LEFT, y(v), WIDTH - RIGHT, y(v), "grid");
      svg.text(LEFT - 6, y(v) + 4, "end", "tick", Html.count(Math.round(v)));
    }
    svg.text(14, TOP - 8, "start", "axis-title", title);
    svg.line(LEFT, TOP, LEFT, bottom(), "axis");
    svg.line(LEFT, bottom(), WIDTH - RIGHT, bottom(), "axis");
  }

  /** The x axis title, centred below the ticks. */
  void drawXTitle(Svg svg, String title) {
    svg.text(x(0.5), HEIGHT - 6, "middle", "axis-title", title);
  }
}
