package dev.dhtbeacon.krpc;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A send the egress guard refused: the destination is outside what the network mode allows. */
public final class EgressRefusedException extends IOException {
  private static final long serialVersionUID = 1L;

  public EgressRefusedException(InetSocketAddress destination, NetworkMode mode) {
    super("refused to send to " + destination + " in " + mode + " mode");
  }
}
