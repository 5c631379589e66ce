package dev.dhtbeacon.report;

import dev.dhtbeacon.store.EstimateSample;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The size estimate over time, from the database's history: the zone and lookup estimates
 * (made at the end of each sweep) with bands of ±1.96 standard errors (about 95%), the
 * density extrapolation during sweeps, and the nodes each sweep had answered so far.
 */
final class EstimateChart {
  static final String ID = "chart-estimates";
  /** Standard errors either side of an estimate that its band covers. */
  static final double BAND = 1.96;
  private static final int X_TICKS = 5;

  private EstimateChart() {
  }

  /**
   * One line of the chart: how to read it from a sample, its standard error if it has a band,
   * and whether it counts up from zero each sweep.
   */
  private record Series(String name, String cssClass, ToDoubleFunction<EstimateSample> value,
      ToDoubleFunction<EstimateSample> error, boolean restarts) {
  }

  private static final List<Series> SERIES = List.of(
      new Series("zone estimate", "zone", EstimateSample::zone, EstimateSample::zoneError,
          false),
      new Series("lookup estimate", "lookup", EstimateSample::lookup,
          EstimateSample::lookupError, false),
      new Series("density extrapolation", "density", EstimateSample::density, null, false),
      new Series("answered in sweep", "progress", s -> s.nodesAnswered(), null, true));

  /** The chart, or null when no sample holds an estimate. */
  static String render(List<EstimateSample> history) {
    if (history.stream().noneMatch(EstimateSample::hasEstimate)) {
      return null;
    }
    long t0 = history.get(0).timeMillis();
    long t1 = history.get(history.size() - 1).timeMillis();
    // A single moment still needs a visible time axis: a minute either side.
    long from = t1 > t0 ? t0 : t0 - 60_000;
    long to = t1 > t0 ? t1 : t1 + 60_000;
    Plot plot = new Plot(maxValue(history));
    Svg svg = new Svg(ID, "chart timeline", Plot.WIDTH, Plot.HEIGHT,
        "Estimated number of DHT nodes over time");
    plot.drawYAxis(svg, "nodes");
    ToDoubleFunction<Long> x = t -> plot.x((t - from) / (double) (to - from));
    for (Series s : SERIES) {
      drawSeries(svg, plot, x, s, history);
    }
    for (int i = 0; i <= X_TICKS; i++) {
      long t = from + (to - from) * i / X_TICKS;
      // The outer labels lean inwards so that neither is cut at the edge.
      String anchor = i == 0 ? "start" : i == X_TICKS ? "end" : "middle";
      svg.text(x.applyAsDouble(t), plot.bottom() + 16, anchor, "tick", time(t, to - from));
    }
    plot.drawXTitle(svg, "time (UTC)");
    return svg.end();
  }

  private static void drawSeries(Svg svg, Plot plot, ToDoubleFunction<Long> x, Series s,
      List<EstimateSample> history) {
    List<EstimateSample> points = new ArrayList<>();
    for (EstimateSample e : history) {
      if (Double.isFinite(s.value().applyAsDouble(e))) {
        points.add(e);
      }
    }
    if (points.isEmpty()) {
      return;
    }
    if (s.error() != null && points.size() > 1) {
      double[] band = new double[points.size() * 4];
      for (int i = 0; i < points.size(); i++) {
        EstimateSample e = points.get(i);
        double v = s.value().applyAsDouble(e);
        double err = error(s, e);
        double px = x.applyAsDouble(e.timeMillis());
        band[2 * i] = px;
        band[2 * i + 1] = plot.y(v + err);
        int back = band.length - 2 - 2 * i;
        band[back] = px;
        band[back + 1] = plot.y(v - err);
      }
      svg.path(band, true, "band " + s.cssClass());
    }
    drawLines(svg, plot, x, s, points);
    for (EstimateSample e : points) {
      drawPoint(svg, plot, x.applyAsDouble(e.timeMillis()), s, e);
    }
  }

  /**
   * The series' line; a count that restarts (a new sweep's "answered so far") begins a new
   * line rather than joining the last sweep's end to the next one's start.
   */
  private static void drawLines(Svg svg, Plot plot, ToDoubleFunction<Long> x, Series s,
      List<EstimateSample> points) {
    int start = 0;
    for (int i = 1; i <= points.size(); i++) {
      boolean restart = i < points.size() && s.restarts()
          && s.value().applyAsDouble(points.get(i)) < s.value().applyAsDouble(points.get(i - 1));
      if (i == points.size() || restart) {
        double[] line = new double[(i - start) * 2];
        for (int j = start; j < i; j++) {
          line[2 * (j - start)] = x.applyAsDouble(points.get(j).timeMillis());
          line[2 * (j - start) + 1] = plot.y(s.value().applyAsDouble(points.get(j)));
        }
        svg.path(line, false, "line " + s.cssClass());
        start = i;
      }
    }
  }

  private static void drawPoint(Svg svg, Plot plot, double px, Series s, EstimateSample e) {
    double v = s.value().applyAsDouble(e);
    double err = error(s, e);
    if (err > 0) {
      svg.line(px, plot.y(v - err), px, plot.y(v + err), "error-bar " + s.cssClass());
    }
    String figure = Html.count(Math.round(v))
        + (err > 0 ? " ± " + Html.count(Math.round(err / BAND)) + " (1 s.e.)" : "");
    svg.circle(px, plot.y(v), s.error() != null ? 4 : 2.5, "point " + s.cssClass(),
        s.name() + " at " + time(e.timeMillis(), 0) + ": " + figure, "data-time",
        Long.toString(e.timeMillis()), "data-value", Long.toString(Math.round(v)));
  }

  /** The half-width of the band at {@code e}: 0 when the series has none or it is unknown. */
  private static double error(Series s, EstimateSample e) {
    if (s.error() == null) {
      return 0;
    }
    double se = s.error().applyAsDouble(e);
    return Double.isFinite(se) && se > 0 ? BAND * se : 0;
  }

  private static double maxValue(List<EstimateSample> history) {
    double max = 0;
    for (EstimateSample e : history) {
      for (Series s : SERIES) {
        double v = s.value().applyAsDouble(e);
        if (Double.isFinite(v)) {
          max = Math.max(max, v + error(s, e));
        }
      }
    }
    return max;
  }

  /** A time label as precise as the axis span needs. */
  private static String time(long millis, long spanMillis) {
    String pattern = spanMillis > 3 * 86_400_000L ? "yyyy-MM-dd"
        : spanMillis > 2 * 3_600_000L ? "MM-dd HH:mm"
        : spanMillis > 0 ? "HH:mm:ss" : "yyyy-MM-dd HH:mm:ss";
    return DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(millis));
  }
}
