package dev.dhtbeacon.report;

import java.util.Locale;

/**
 * Nodes over the keyspace: a histogram of node ids by their top bits, nodes found behind
 * nodes answered, with the level a uniform spread would give. A sweep cut short shows as
 * answered bars falling off to the right; a hole or a pile-up shows where ids cluster.
 */
final class KeyspaceChart {
  static final String ID = "chart-keyspace";

  private KeyspaceChart() {
  }

  static String render(NodeStats s) {
    long[] found = s.foundPerBin();
    long[] answered = s.answeredPerBin();
    int bins = found.length;
    long max = 0;
    for (long f : found) {
      max = Math.max(max, f);
    }
    Plot plot = new Plot(max);
    Svg svg = new Svg(ID, "chart histogram", Plot.WIDTH, Plot.HEIGHT,
        "Nodes found and answered per 1/" + bins + " of the keyspace");
    plot.drawYAxis(svg, "nodes");
    double slot = plot.innerWidth() / bins;
    for (int i = 0; i < bins; i++) {
      String range = range(i, bins);
      double x = plot.x((double) i / bins) + 1;
      svg.rect(x, plot.y(found[i]), slot - 2, plot.bottom() - plot.y(found[i]), "bar found",
          range + ": " + Html.count(found[i]) + " found", "data-bin", Integer.toString(i),
          "data-value", Long.toString(found[i]));
      svg.rect(x, plot.y(answered[i]), slot - 2, plot.bottom() - plot.y(answered[i]),
          "bar answered", range + ": " + Html.count(answered[i]) + " answered", "data-bin",
          Integer.toString(i), "data-value", Long.toString(answered[i]));
    }
    for (int i = 0; i <= bins; i += bins / 8) {
      svg.text(plot.x((double) i / bins), plot.bottom() + 16, "middle", "tick",
          i == bins ? "ff…" : String.format(Locale.ROOT, "%02x…", i * 256 / bins));
    }
    double uniform = (double) s.found() / bins;
    svg.line(Plot.LEFT, plot.y(uniform), Plot.WIDTH - Plot.RIGHT, plot.y(uniform), "reference");
    plot.drawXTitle(svg, "node id (first byte, hex)");
    return svg.end();
  }

  private static String range(int bin, int bins) {
    int from = bin * 256 / bins;
    int to = (bin + 1) * 256 / bins - 1;
    return String.format(Locale.ROOT, "ids %02x…–%02x…", from, to);
  }
}
