package dev.playground.contract.preview;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring permission to reach one port of one session on its preview origin
 * ({@code {sessionId}-{port}.{preview host}}).
 * session-service signs it into each port's previewUrl; the gateway verifies it, so a browser iframe needs no
 * API key. Format: {@code base64url(sessionId|port|owner|expiresEpochSeconds).base64url(HMAC-SHA256)}.
 * Both sides share the secret {@code playground.preview.secret}.
 */
public record PreviewToken(String sessionId, int port, String owner, Instant expiresAt) {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    public String sign(byte[] secret) {
        String payload = B64.encodeToString((sessionId + "|" + port + "|" + owner + "|" + expiresAt.getEpochSecond())
                .getBytes(StandardCharsets.UTF_8));
        return payload + "." + B64.encodeToString(hmac(secret, payload));
    }

    /** The token's claims when its signature is right and it has not expired at {@code now}; empty otherwise. */
    public static Optional<PreviewToken> verify(String token, byte[] secret, Instant now) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot == token.length() - 1) {
            return Optional.empty();
        }
        String payload = token.substring(0, dot);
        try {
            byte[] given = B64D.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(given, hmac(secret, payload))) {
                return Optional.empty();
            }
            String[] parts = new String(B64D.decode(payload), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 4) {
                return Optional.empty();
            }
            var claims = new PreviewToken(parts[0], Integer.parseInt(parts[1]), parts[2],
                    Instant.ofEpochSecond(Long.parseLong(parts[3])));
            return claims.expiresAt().isAfter(now) ? Optional.of(claims) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] hmac(byte[] secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
