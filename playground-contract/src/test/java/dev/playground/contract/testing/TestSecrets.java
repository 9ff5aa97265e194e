package dev.playground.contract.testing;

import dev.playground.contract.auth.InternalAuth;
import java.util.Optional;

/**
 * The secrets the services' test profiles are configured with ({@code %test.playground.internal.secret} and the
 * preview secret), so a test can speak to a service as the gateway does: with a signed principal header.
 */
public final class TestSecrets {
    /** {@code playground.internal.secret} in every module's test profile. */
    public static final String INTERNAL = "test-internal-secret-of-at-least-32-bytes";
    /** The preview token secret in every module's test profile. */
    public static final String PREVIEW = "test-preview-secret-of-at-least-32-bytes";

    private static final InternalAuth AUTH = InternalAuth.withSecret("test", Optional.of(INTERNAL));

    /** The signature header's value for {@code principal}, as the gateway would send it. */
    public static String sign(String principal) {
        return AUTH.sign(principal);
    }

    private TestSecrets() {
    }
}
