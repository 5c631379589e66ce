package dev.dhtbeacon.report;

import java.util.List;

/**
 * What the report shows about the crawl database's nodes. Version, RTT, BEP 42 and BEP 51
 * figures count only nodes that answered (only their answers tell), keyspace figures every
 * node found. Arrays are owned by this value: nobody writes them after {@link NodeTally}.
 *
 * @param found node records in the database
 * @param answered records of nodes that answered at least once
 * @param readOnly nodes seen sending BEP 43 read-only queries
 * @param foundPerBin nodes found per keyspace bin ({@link NodeTally#KEYSPACE_BINS} bins of
 *     equal width, by the id's top bits)
 * @param answeredPerBin nodes answered per keyspace bin
 * @param versions the most common client versions (label, count), most common first
 * @param otherVersions answered nodes with a version not among {@code versions}
 * @param noVersion answered nodes that sent no version
 * @param rtt round-trip times of answered nodes
 * @param bep42Valid answered nodes whose id is BEP 42-valid for their IP (exempt IPs count)
 * @param bep51Supported answered nodes that answered sample_infohashes
 * @param bep51Unsupported answered nodes that did not
 */
record NodeStats(long found, long answered, long readOnly, long[] foundPerBin,
    long[] answeredPerBin, List<Bar> versions, long otherVersions, long noVersion, Rtt rtt,
    long bep42Valid, long bep51Supported, long bep51Unsupported) {

  /** Answered nodes whose BEP 42 validity is false. */
  long bep42Invalid() {
    return answered - bep42Valid;
  }

  /** Answered nodes never asked sample_infohashes (or that never said). */
  long bep51Unknown() {
    return answered - bep51Supported - bep51Unsupported;
  }

  /** One labelled count. */
  record Bar(String label, long count) {
  }

  /**
   * Round-trip times in whole milliseconds.
   *
   * @param perMilli how many answered with each RTT, index = milliseconds; the last entry
   *     counts every RTT at or above it
   */
  record Rtt(long[] perMilli) {
    long count() {
      long n = 0;
      for (long c : perMilli) {
        n += c;
      }
      return n;
    }

    /**
     * The smallest RTT at or below which at least {@code q} of the answers lie (0 < q ≤ 1),
     * or -1 without answers.
     */
    long quantile(double q) {
      long n = count();
      if (n == 0) {
        return -1;
      }
      long rank = Math.max(1, (long) Math.ceil(q * n));
      long seen = 0;
      for (int ms = 0; ms < perMilli.length; ms++) {
        seen += perMilli[ms];
        if (seen >= rank) {
          return ms;
        }
      }
      return perMilli.length - 1;
    }
  }
}
