package dev.playground.gateway.proxy;

import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Where one forwarded request goes, and how.
 *
 * @param address the target (for a tunnelled target, the session id and port the tunnel server resolves)
 * @param tunnel the SOCKS5 tunnel to go through (previews, through terminal-service), or null for a direct connection
 * @param guard the target's circuit breaker, or null for targets that must not trip one (previews)
 * @param what the target as a person would name it, for error details
 * @param retryAfterSeconds what a caller is told to wait when the target cannot be reached
 * @param timeoutMillis how long the target may stay silent
 * @param uri the request URI to send, or null to keep the incoming one
 */
public record Upstream(SocketAddress address, ProxyOptions tunnel, Guard guard, String what, long retryAfterSeconds,
        long timeoutMillis, String uri) {
}
