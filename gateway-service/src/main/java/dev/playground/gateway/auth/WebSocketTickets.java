package dev.playground.gateway.auth;

import dev.playground.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived, single-use tickets that stand in for the API key on a WebSocket upgrade: browsers cannot set
 * headers on {@code new WebSocket(url)}, and a key in a URL would end up in logs and histories.
 */
@ApplicationScoped
public class WebSocketTickets {

    /** A ticket as handed to the caller. */
    public record Ticket(String ticket, Instant expiresAt) {
    }

    private record Holder(String principal, Instant expiresAt) {
    }

    private static final int MAX_OUTSTANDING = 100_000;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Holder> outstanding = new ConcurrentHashMap<>();
    private final GatewayConfig config;
    private final Clock clock = Clock.systemUTC();

    public WebSocketTickets(GatewayConfig config) {
        this.config = config;
    }

    /** Issues a ticket for the principal. */
    public Ticket issue(String principal) {
        Instant now = clock.instant();
        if (outstanding.size() > MAX_OUTSTANDING / 2) {
            outstanding.values().removeIf(h -> !h.expiresAt().isAfter(now));
        }
        if (outstanding.size() >= MAX_OUTSTANDING) {
            throw new IllegalStateException("too many outstanding WebSocket tickets");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = now.plus(config.tickets().ttl());
        outstanding.put(ticket, new Holder(principal, expiresAt));
        return new Ticket(ticket, expiresAt);
    }

    /** The ticket's principal if it exists and has not expired; either way the ticket is used up. */
    public Optional<String> redeem(String ticket) {
        if (ticket == null) {
            return Optional.empty();
        }
        Holder holder = outstanding.remove(ticket);
        if (holder == null || !holder.expiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(holder.principal());
    }
}
