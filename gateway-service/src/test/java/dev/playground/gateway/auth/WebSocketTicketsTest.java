package dev.playground.gateway.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.auth.InternalAuth;
import dev.playground.contract.testing.TestSecrets;
import dev.playground.gateway.shared.SharedStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Tickets as two gateway instances see them (two objects with the deployment's secret, no shared store), and what a
 * hostile caller tries with one: edit it, keep it, replay it, forge it from something else the secret signs.
 */
class WebSocketTicketsTest {

    private static final byte[] SECRET = TestSecrets.INTERNAL.getBytes(UTF_8);
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final SharedStore NO_SHARED_STATE = new SharedStore(null, null, Duration.ofSeconds(1),
            Duration.ofSeconds(1), 1);

    private final TestClock clock = new TestClock();
    private final WebSocketTickets gatewayA = new WebSocketTickets(SECRET, TTL, clock, NO_SHARED_STATE);
    private final WebSocketTickets gatewayB = new WebSocketTickets(SECRET, TTL, clock, NO_SHARED_STATE);

    private static Optional<String> redeem(WebSocketTickets gateway, String ticket) {
        return gateway.redeem(ticket).result();
    }

    @Test
    void aTicketIssuedByOneGatewayIsRedeemedOnAnotherOnce() {
        WebSocketTickets.Ticket ticket = gatewayA.issue("alice");
        assertEquals(Instant.ofEpochMilli(clock.millis()).plus(TTL), ticket.expiresAt());
        assertEquals(Optional.of("alice"), redeem(gatewayB, ticket.ticket()));
        assertEquals(Optional.empty(), redeem(gatewayB, ticket.ticket()), "used up on B");
        // Without the shared store, A has not seen B's redemption: once per instance is all it guarantees.
        assertEquals(Optional.of("alice"), redeem(gatewayA, ticket.ticket()));
        assertEquals(Optional.empty(), redeem(gatewayA, ticket.ticket()), "used up on A");
    }

    @Test
    void aTicketWithAnotherPrincipalExpiryOrNonceIsRefused() {
        String ticket = gatewayA.issue("alice").ticket();
        String[] parts = ticket.split("\\.");
        String bob = Base64.getUrlEncoder().withoutPadding().encodeToString("bob".getBytes(UTF_8));
        long later = Long.parseLong(parts[2]) + 3_600_000;
        String otherNonce = (parts[3].charAt(0) == 'A' ? "B" : "A") + parts[3].substring(1);
        for (String tampered : new String[] {
                String.join(".", parts[0], bob, parts[2], parts[3], parts[4]),
                String.join(".", parts[0], parts[1], Long.toString(later), parts[3], parts[4]),
                String.join(".", parts[0], parts[1], parts[2], otherNonce, parts[4]),
                String.join(".", "v2", parts[1], parts[2], parts[3], parts[4]),
                ticket.substring(0, ticket.length() - 2),
                ticket + "AA",
                String.join(".", parts[0], parts[1], parts[2], parts[3]) + "." + sign(SECRET, "x"),
        }) {
            assertEquals(Optional.empty(), redeem(gatewayB, tampered), tampered);
        }
        assertEquals(Optional.of("alice"), redeem(gatewayB, ticket), "the untouched ticket still works");
    }

    @Test
    void anExpiredTicketIsRefused() {
        String ticket = gatewayA.issue("alice").ticket();
        clock.advance(TTL);
        assertEquals(Optional.empty(), redeem(gatewayB, ticket));
        String fresh = gatewayA.issue("alice").ticket();
        clock.advance(TTL.minusMillis(1));
        assertEquals(Optional.of("alice"), redeem(gatewayB, fresh), "valid up to its last millisecond");
    }

    @Test
    void aTicketFromAClockFarAheadIsRefusedSoNoTicketLivesLongerThanItsTtl() {
        TestClock ahead = new TestClock();
        ahead.advance(Duration.ofHours(1));
        String ticket = new WebSocketTickets(SECRET, TTL, ahead, NO_SHARED_STATE).issue("alice").ticket();
        assertEquals(Optional.empty(), redeem(gatewayB, ticket));
        TestClock slightlyAhead = new TestClock();
        slightlyAhead.advance(Duration.ofSeconds(3));
        String skewed = new WebSocketTickets(SECRET, TTL, slightlyAhead, NO_SHARED_STATE).issue("alice").ticket();
        assertEquals(Optional.of("alice"), redeem(gatewayB, skewed), "a few seconds of skew between instances are fine");
    }

    @Test
    void onlyThisDeploymentsTicketKeySignsTickets() {
        // Another deployment's gateway.
        WebSocketTickets foreign = new WebSocketTickets("another-deployments-secret-of-32-bytes!".getBytes(UTF_8), TTL,
                clock, NO_SHARED_STATE);
        assertEquals(Optional.empty(), redeem(gatewayB, foreign.issue("alice").ticket()));

        // A ticket's body signed with the internal secret itself (what the principal header's HMAC uses), not with the
        // key derived for tickets: someone who can make the secret sign chosen text elsewhere gets no ticket.
        String body = gatewayA.issue("alice").ticket();
        body = body.substring(0, body.lastIndexOf('.'));
        assertEquals(Optional.empty(), redeem(gatewayB, body + "." + sign(SECRET, body)));

        // A principal header signature, which services on the internal network see, is no ticket.
        String headerSignature = InternalAuth.withSecret("test", Optional.of(TestSecrets.INTERNAL)).sign("alice");
        assertEquals(Optional.empty(), redeem(gatewayB, headerSignature));
    }

    @Test
    void garbageIsRefusedWithoutEffort() {
        for (String garbage : new String[] {null, "", ".", "....", "v1.....", "not a ticket", "%00", "x".repeat(100_000),
                "v1." + "A".repeat(600)}) {
            assertEquals(Optional.empty(), redeem(gatewayB, garbage));
        }
    }

    @Test
    void ticketsAreUnpredictableAndShort() {
        String one = gatewayA.issue("alice").ticket();
        String two = gatewayA.issue("alice").ticket();
        assertTrue(!one.equals(two), "a nonce per ticket");
        assertTrue(one.length() < 150, one);
        assertTrue(one.matches("[A-Za-z0-9._-]+"), "URL-safe as it is: " + one);
    }

    private static String sign(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(data.getBytes(UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

        void advance(Duration by) {
            millis.addAndGet(by.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
