package dev.dhtbeacon.report;

import java.util.Locale;

/**
 * The RTT distribution: a histogram of the answered nodes' round-trip times up to about the
 * 99th percentile (slower answers share the last bar), with the median and the 90th
 * percentile marked.
 */
final class RttChart {
  static final String ID = "chart-rtt";
  private static final int TARGET_BINS = 40;

  private RttChart() {
  }

  static String render(NodeStats.Rtt rtt) {
    long[] perMilli = rtt.perMilli();
    long median = rtt.quantile(0.5);
    long p90 = rtt.quantile(0.9);
    long p99 = rtt.quantile(0.99);
    long width = Math.max(1, (long) Plot.niceStep(Math.max(1, p99) / (double) TARGET_BINS));
    int bins = (int) Math.min(perMilli.length, p99 / width + 2);
    long[] counts = new long[bins];
    for (int ms = 0; ms < perMilli.length; ms++) {
      counts[(int) Math.min(bins - 1, ms / width)] += perMilli[ms];
    }
    long max = 0;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    Plot plot = new Plot(max);
    Svg svg = new Svg(ID, "chart histogram", Plot.WIDTH, Plot.HEIGHT,
        "Round-trip times, " + width + " ms per bar");
    plot.drawYAxis(svg, "nodes");
    double slot = plot.innerWidth() / bins;
    for (int i = 0; i < bins; i++) {
      String range = i == bins - 1 ? "≥ " + i * width + " ms"
          : i * width + "–" + ((i + 1) * width - 1) + " ms";
      svg.rect(plot.x((double) i / bins) + 1, plot.y(counts[i]), slot - 2,
          plot.bottom() - plot.y(counts[i]), "bar rtt", range + ": " + Html.count(counts[i]),
          "data-from-ms", Long.toString(i * width), "data-value", Long.toString(counts[i]));
    }
    int every = Math.max(1, bins / 8);
    for (int i = 0; i < bins; i += every) {
      svg.text(plot.x((double) i / bins), plot.bottom() + 16, "middle", "tick",
          Long.toString(i * width));
    }
    marker(svg, plot, median, width, bins, "median", "median " + median + " ms");
    marker(svg, plot, p90, width, bins, "p90", "p90 " + p90 + " ms");
    plot.drawXTitle(svg, "round-trip time (ms)");
    return svg.end();
  }

  private static void marker(Svg svg, Plot plot, long ms, long width, int bins,
      String cssClass, String label) {
    double x = plot.x(Math.min(1.0, (ms + 0.5) / (double) (width * bins)));
    svg.line(x, Plot.TOP, x, plot.bottom(), "marker " + cssClass);
    svg.text(x + 4, Plot.TOP + (cssClass.equals("median") ? 12 : 26), "start",
        "marker-label " + cssClass, label);
  }

  /** "median 12 ms, 90th percentile 40 ms", for the caption. */
  static String caption(NodeStats.Rtt rtt) {
    return String.format(Locale.ROOT, "median %d ms, 90th percentile %d ms, of %s answers",
        rtt.quantile(0.5), rtt.quantile(0.9), Html.count(rtt.count()));
  }
}
