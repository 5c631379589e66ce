package dev.dhtbeacon.report;

/**
 * A small SVG writer for the report's charts. Every text and attribute value goes through
 * {@link Html#escape}; callers pass plain strings. The element is sized by its viewBox, so
 * the page's CSS can scale it to the window.
 */
final class Svg {
  private final StringBuilder out = new StringBuilder(4_096);

  /** Opens {@code <svg id=…>} of {@code width}×{@code height} user units. */
  Svg(String id, String cssClass, int width, int height, String label) {
    out.append("<svg id=\"").append(Html.escape(id)).append("\" class=\"")
        .append(Html.escape(cssClass)).append("\" viewBox=\"0 0 ").append(width).append(' ')
        .append(height).append("\" role=\"img\" aria-label=\"").append(Html.escape(label))
        .append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");
  }

  /** A rectangle with a tooltip; {@code data} are extra attribute name/value pairs. */
  Svg rect(double x, double y, double w, double h, String cssClass, String tooltip,
      String... data) {
    out.append("<rect class=\"").append(Html.escape(cssClass)).append('"');
    attrs(data);
    out.append(" x=\"").append(Html.coord(x)).append("\" y=\"").append(Html.coord(y))
        .append("\" width=\"").append(Html.coord(Math.max(0, w))).append("\" height=\"")
        .append(Html.coord(Math.max(0, h))).append("\"><title>").append(Html.escape(tooltip))
        .append("</title></rect>\n");
    return this;
  }

  /** Text; {@code anchor} is start, middle or end. */
  Svg text(double x, double y, String anchor, String cssClass, String text) {
    out.append("<text class=\"").append(Html.escape(cssClass)).append("\" x=\"")
        .append(Html.coord(x)).append("\" y=\"").append(Html.coord(y))
        .append("\" text-anchor=\"").append(anchor).append("\">").append(Html.escape(text))
        .append("</text>\n");
    return this;
  }

  Svg line(double x1, double y1, double x2, double y2, String cssClass) {
    out.append("<line class=\"").append(Html.escape(cssClass)).append("\" x1=\"")
        .append(Html.coord(x1)).append("\" y1=\"").append(Html.coord(y1)).append("\" x2=\"")
        .append(Html.coord(x2)).append("\" y2=\"").append(Html.coord(y2)).append("\"/>\n");
    return this;
  }

  /** A polyline ({@code closed} false) or polygon through {@code xy} = x0, y0, x1, y1, …. */
  Svg path(double[] xy, boolean closed, String cssClass) {
    out.append(closed ? "<polygon" : "<polyline").append(" class=\"")
        .append(Html.escape(cssClass)).append("\" points=\"");
    for (int i = 0; i + 1 < xy.length; i += 2) {
      out.append(i == 0 ? "" : " ").append(Html.coord(xy[i])).append(',')
          .append(Html.coord(xy[i + 1]));
    }
    out.append("\"/>\n");
    return this;
  }

  /** A point with a tooltip; {@code data} are extra attribute name/value pairs. */
  Svg circle(double x, double y, double r, String cssClass, String tooltip, String... data) {
    out.append("<circle class=\"").append(Html.escape(cssClass)).append('"');
    attrs(data);
    out.append(" cx=\"").append(Html.coord(x)).append("\" cy=\"").append(Html.coord(y))
        .append("\" r=\"").append(Html.coord(r)).append("\"><title>")
        .append(Html.escape(tooltip)).append("</title></circle>\n");
    return this;
  }

  /** Closes the element and returns the markup. */
  String end() {
    return out.append("</svg>\n").toString();
  }

  private void attrs(String[] data) {
    for (int i = 0; i + 1 < data.length; i += 2) {
      out.append(' ').append(data[i]).append("=\"").append(Html.escape(data[i + 1])).append('"');
    }
  }
}
