package dev.playground.gateway.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.playground.contract.auth.InternalAuth;
import dev.playground.gateway.config.GatewayConfig;
import dev.playground.gateway.shared.SharedStore;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Short-lived, single-use tickets that stand in for the API key on a WebSocket upgrade: browsers cannot set
 * headers on {@code new WebSocket(url)}, and a key in a URL would end up in logs and histories.
 *
 * <p>A ticket is signed, not stored, so any gateway instance can redeem it: {@code v1.<base64url(principal)>.
 * <expiry, epoch ms>.<nonce, 16 random bytes>.<base64url(HMAC-SHA256)>}. The HMAC key is derived from the internal
 * secret every instance already has ({@code HMAC-SHA256(secret, "playground.gateway.ws-ticket.v1")}), so no new
 * secret is distributed and no principal-header signature or other use of that secret can pass for a ticket.
 *
 * <p>Single use: a redeemed nonce is remembered by this instance until its ticket expires (bounded), and in
 * PostgreSQL for every instance while the {@link SharedStore} is up. While it is down, a ticket can be redeemed once
 * per instance within its lifetime, no more.
 */
@ApplicationScoped
public class WebSocketTickets {

    /** A ticket as handed to the caller. */
    public record Ticket(String ticket, Instant expiresAt) {
    }

    /** What a valid ticket says. */
    record Claims(String principal, long expiresAtMillis, String nonce) {
    }

    /** Purpose label of the ticket key: a key derived for tickets signs nothing else. */
    static final String KEY_PURPOSE = "playground.gateway.ws-ticket.v1";
    /** How far an issuing instance's clock may run ahead of the redeeming one's. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
    /** Longer tickets are refused before anything is decoded; a real one is about 120 characters. */
    static final int MAX_LENGTH = 512;
    /** Redeemed nonces remembered per instance; beyond it (all unexpired) tickets are refused, never let through twice. */
    static final int REPLAY_CACHE_CAPACITY = 100_000;

    private static final Logger LOG = Logger.getLogger(WebSocketTickets.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d{1,15}");
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{22}");

    private final byte[] key;
    private final Duration ttl;
    private final Clock clock;
    private final SharedStore store;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> redeemedHere = new ConcurrentHashMap<>();
    private volatile long lastPurge;

    @Inject
    WebSocketTickets(GatewayConfig config, SharedStore store,
            @ConfigProperty(name = "playground.internal.secret") Optional<String> secret) {
        this(InternalAuth.strongSecret("playground.internal.secret (PLAYGROUND_INTERNAL_SECRET)", secret),
                config.tickets().ttl(), Clock.systemUTC(), store);
    }

    /** Tickets signed with a key derived from {@code internalSecret}; single use across instances through {@code store}. */
    public WebSocketTickets(byte[] internalSecret, Duration ttl, Clock clock, SharedStore store) {
        this.key = hmac(internalSecret, KEY_PURPOSE);
        this.ttl = ttl;
        this.clock = clock;
        this.store = store;
    }

    /** Issues a ticket for the principal. Nothing is stored. */
    public Ticket issue(String principal) {
        long expiresAt = clock.millis() + ttl.toMillis();
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String body = "v1." + B64.encodeToString(principal.getBytes(UTF_8)) + "." + expiresAt + "."
                + B64.encodeToString(nonce);
        return new Ticket(body + "." + B64.encodeToString(hmac(key, body)), Instant.ofEpochMilli(expiresAt));
    }

    /**
     * The ticket's principal when it is this deployment's, unexpired and redeemed for the first time; either way a
     * valid ticket is used up. Never fails.
     */
    public Future<Optional<String>> redeem(String ticket) {
        Optional<Claims> verified = verify(ticket);
        if (verified.isEmpty() || !firstRedemptionHere(verified.get())) {
            return Future.succeededFuture(Optional.empty());
        }
        Claims claims = verified.get();
        Optional<String> principal = Optional.of(claims.principal());
        if (!store.available()) {
            return Future.succeededFuture(principal);
        }
        return store.firstRedemption(claims.nonce(), claims.expiresAtMillis())
                .map(first -> first ? principal : Optional.<String>empty())
                // The store went down meanwhile: this instance's memory is the guard, as while it is down.
                .otherwise(principal);
    }

    /** The claims of a ticket this deployment signed that has not expired; nothing is remembered. */
    Optional<Claims> verify(String ticket) {
        if (ticket == null || ticket.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int dot = ticket.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String body = ticket.substring(0, dot);
        byte[] given;
        try {
            given = B64_DECODER.decode(ticket.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(given, hmac(key, body))) {
            return Optional.empty();
        }
        // Signed by a holder of the key: what follows parses what a gateway wrote.
        String[] parts = body.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("v1") || !EPOCH_MILLIS.matcher(parts[2]).matches()
                || !NONCE.matcher(parts[3]).matches()) {
            return Optional.empty();
        }
        String principal;
        try {
            principal = new String(B64_DECODER.decode(parts[1]), UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        long expiresAt = Long.parseLong(parts[2]);
        long now = clock.millis();
        if (principal.isBlank() || expiresAt <= now || expiresAt > now + ttl.toMillis() + CLOCK_SKEW.toMillis()) {
            return Optional.empty();
        }
        return Optional.of(new Claims(principal, expiresAt, parts[3]));
    }

    private boolean firstRedemptionHere(Claims claims) {
        long now = clock.millis();
        if (redeemedHere.size() >= REPLAY_CACHE_CAPACITY / 2 && now - lastPurge > 1000) {
            lastPurge = now;
            redeemedHere.values().removeIf(expiresAt -> expiresAt <= now);
        }
        if (redeemedHere.size() >= REPLAY_CACHE_CAPACITY) {
            LOG.warnf("%d WebSocket tickets redeemed on this instance within their lifetime: refusing more until"
                    + " some expire", redeemedHere.size());
            return false;
        }
        return redeemedHere.putIfAbsent(claims.nonce(), claims.expiresAtMillis()) == null;
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
