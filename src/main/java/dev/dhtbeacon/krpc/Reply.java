package dev.dhtbeacon.krpc;

/**
 * What a query gets back: a response or a KRPC error. An error reply is a normal result, not
 * an exception; only timeouts, egress refusals and shutdown fail a query's future.
 */
public sealed interface Reply extends KrpcMessage permits Response, ErrorReply {
}
