package dev.dhtbeacon.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;

/** Reads figures back out of a report page (or Chromium's dump of it), for assertions. */
public final class ReportHtml {
  private ReportHtml() {
  }

  /** The {@code <svg id=...>…</svg>} element with that id. */
  public static String svg(String html, String id) {
    int start = html.indexOf("<svg id=\"" + id + "\"");
    assertTrue(start >= 0, "no chart " + id);
    int end = html.indexOf("</svg>", start);
    return html.substring(start, end + "</svg>".length());
  }

  /** {@code data-label} → {@code data-value} of the bars whose class is {@code cssClass}. */
  static Map<String, Long> bars(String svg, String cssClass) {
    Map<String, Long> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("<rect class=\"" + Pattern.quote(cssClass)
        + "\" data-label=\"([^\"]*)\" data-value=\"(\\d+)\"").matcher(svg);
    while (m.find()) {
      out.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return out;
  }

  /** The {@code data-value}s of the elements whose class is exactly {@code cssClass}. */
  public static List<Long> values(String svg, String cssClass) {
    List<Long> out = new ArrayList<>();
    Matcher m = Pattern.compile("class=\"" + Pattern.quote(cssClass)
        + "\"[^>]*? data-value=\"(\\d+)\"").matcher(svg);
    while (m.find()) {
      out.add(Long.parseLong(m.group(1)));
    }
    return out;
  }

  /** How often {@code needle} occurs. */
  static int count(String haystack, String needle) {
    int n = 0;
    for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
      n++;
    }
    return n;
  }

  /** The text of the summary row {@code row-<id>}. */
  static String row(String html, String id) {
    Matcher m = Pattern.compile("<tr id=\"row-" + id + "\"><th>[^<]*</th><td>([^<]*)</td>")
        .matcher(html);
    assertTrue(m.find(), "no summary row " + id);
    return m.group(1);
  }

  /** Parses {@code svg} as XML: throws unless it is well-formed. */
  static void assertWellFormed(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }
}
