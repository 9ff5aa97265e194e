package dev.playground.session.domain;

/** A preview port: {@code port} asked for, reachable at {@code host:targetPort} on the preview network. */
public record PortMapping(int port, String host, int targetPort) {
}
