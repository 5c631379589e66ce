package dev.dhtbeacon.krpc;

import java.io.IOException;
import java.net.InetSocketAddress;

/** No reply arrived in time. Cheap: no stack trace, since timeouts are routine in a DHT. */
public final class QueryTimeoutException extends IOException {
  private static final long serialVersionUID = 1L;

  public QueryTimeoutException(InetSocketAddress to, String method, long millis) {
    super(method + " to " + to + " timed out after " + millis + " ms");
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
