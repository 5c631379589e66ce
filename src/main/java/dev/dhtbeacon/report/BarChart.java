package dev.dhtbeacon.report;

import java.util.List;

/**
 * A horizontal bar chart of labelled counts, each bar with its count and share of the total.
 * Each bar is a {@code rect} with {@code data-label} and {@code data-value}, so a test (or a
 * reader's script) can read the figures back.
 */
final class BarChart {
  private static final int WIDTH = 800;
  private static final int ROW = 26;
  private static final double LABEL_WIDTH = 190;
  private static final double BAR_SPACE = 470;

  /** One bar: its label, count and CSS class (which colours it). */
  record Row(String label, long count, String cssClass) {
  }

  private BarChart() {
  }

  /** The chart, scaled so the longest bar fills the width; {@code total} is for shares. */
  static String render(String id, String title, List<Row> rows, long total) {
    long max = 1;
    for (Row r : rows) {
      max = Math.max(max, r.count());
    }
    Svg svg = new Svg(id, "chart bars", WIDTH, ROW * rows.size() + 12, title);
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      double y = 6 + i * ROW;
      double w = BAR_SPACE * r.count() / max;
      String figures = Html.count(r.count()) + " (" + Html.percent(r.count(), total) + ")";
      svg.text(LABEL_WIDTH - 8, y + 17, "end", "label", r.label());
      svg.rect(LABEL_WIDTH, y + 3, Math.max(w, r.count() > 0 ? 1 : 0), ROW - 6,
          "bar " + r.cssClass(), r.label() + ": " + figures, "data-label", r.label(),
          "data-value", Long.toString(r.count()));
      svg.text(LABEL_WIDTH + w + 6, y + 17, "start", "value", figures);
    }
    return svg.end();
  }
}
