package dev.dhtbeacon.crawl;

import java.util.Objects;

/**
 * An estimate of how many nodes the DHT holds.
 *
 * @param estimate the estimated number of nodes
 * @param standardError the standard error of {@code estimate} ({@code NaN} when it could not be
 *     measured, e.g. from a single sample)
 * @param method how the estimate was made, a short stable name such as
 *     {@code "lookup-kth-distance"}
 */
public record SizeEstimate(double estimate, double standardError, String method) {
  public SizeEstimate {
    Objects.requireNonNull(method, "method");
  }
}
