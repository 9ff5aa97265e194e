package dev.playground.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.preview.PreviewToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PreviewTokenTest {
    private static final byte[] SECRET = "s3cret-for-tests".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aSignedTokenVerifiesUntilItExpires() {
        String token = new PreviewToken("sess-1", 3000, "alice", NOW.plusSeconds(60)).sign(SECRET);
        var claims = PreviewToken.verify(token, SECRET, NOW).orElseThrow();
        assertEquals("sess-1", claims.sessionId());
        assertEquals(3000, claims.port());
        assertEquals("alice", claims.owner());
        assertTrue(PreviewToken.verify(token, SECRET, NOW.plusSeconds(61)).isEmpty(), "expired");
    }

    @Test
    void aTamperedOrForeignTokenIsRefused() {
        String token = new PreviewToken("sess-1", 3000, "alice", NOW.plusSeconds(60)).sign(SECRET);
        String otherSession = new PreviewToken("sess-2", 3000, "alice", NOW.plusSeconds(60)).sign(SECRET);
        String forged = otherSession.substring(0, otherSession.indexOf('.')) + token.substring(token.indexOf('.'));
        assertTrue(PreviewToken.verify(forged, SECRET, NOW).isEmpty());
        assertTrue(PreviewToken.verify(token, "other".getBytes(StandardCharsets.UTF_8), NOW).isEmpty());
        assertTrue(PreviewToken.verify("garbage", SECRET, NOW).isEmpty());
        assertTrue(PreviewToken.verify("a.b.c", SECRET, NOW).isEmpty());
    }
}
