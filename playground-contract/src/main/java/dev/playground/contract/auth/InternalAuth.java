package dev.playground.contract.auth;

import dev.playground.contract.Principal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The principal header, signed: services act on {@code X-Playground-Principal} ({@link Principal#HEADER}) only when
 * {@code X-Playground-Principal-Signature} ({@link Principal#SIGNATURE_HEADER}) proves that a holder of the deployment's internal secret (the gateway,
 * or a service acting for that principal) set it. A request made by hand inside the network, with a header but
 * without the secret, is refused. Format: {@code v1.<epochSeconds>.<base64url(HMAC-SHA256(principal "\n" epoch))>},
 * valid for {@link #MAX_AGE} either side of the receiver's clock.
 */
public final class InternalAuth {

    /** How long a signature stays valid (and the clock skew tolerated between hosts). */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** Shortest secret accepted: 32 bytes, as made by {@code ./playground up}. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] secret;

    private InternalAuth(byte[] secret) {
        this.secret = secret;
    }

    /** The signer and verifier for {@code secret}; refuses a missing or short one (a guessable key signs anything). */
    public static InternalAuth withSecret(String name, Optional<String> secret) {
        return new InternalAuth(strongSecret(name, secret));
    }

    /** The bytes of a shared secret, or a refusal naming the setting when it is missing or shorter than 32 bytes. */
    public static byte[] strongSecret(String name, Optional<String> secret) {
        byte[] bytes = secret.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException(name + " must be set to at least " + MIN_SECRET_BYTES + " random bytes ("
                    + bytes.length + " given); ./playground up generates one into .playground/");
        }
        return bytes;
    }

    /** The signature header's value for {@code principal}, made now. */
    public String sign(String principal) {
        return sign(principal, Instant.now());
    }

    String sign(String principal, Instant at) {
        long epoch = at.getEpochSecond();
        return "v1." + epoch + "." + B64.encodeToString(mac(principal, epoch));
    }

    /** True when {@code signature} is this deployment's, for {@code principal}, and fresh at {@code now}. */
    public boolean verify(String principal, String signature, Instant now) {
        if (principal == null || principal.isBlank() || signature == null) {
            return false;
        }
        String[] parts = signature.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals("v1") || !parts[1].matches("\\d{1,12}")) {
            return false;
        }
        long epoch = Long.parseLong(parts[1]);
        if (Math.abs(now.getEpochSecond() - epoch) > MAX_AGE.toSeconds()) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, mac(principal, epoch));
    }

    private byte[] mac(String principal, long epoch) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal((principal + "\n" + epoch).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
