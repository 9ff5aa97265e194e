package dev.playground.contract;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.auth.InternalAuth;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InternalAuthTest {

    private final InternalAuth auth = InternalAuth.withSecret("test", Optional.of("0123456789abcdef0123456789abcdef"));

    @Test
    void aSignatureProvesThePrincipalItWasMadeFor() {
        String signature = auth.sign("alice");
        assertTrue(auth.verify("alice", signature, Instant.now()));
        assertFalse(auth.verify("bob", signature, Instant.now()), "a signature is for one principal");
        assertFalse(auth.verify("alice", null, Instant.now()));
        assertFalse(auth.verify("alice", "v1.123.AAAA", Instant.now()));
        assertFalse(auth.verify("alice", "garbage", Instant.now()));
    }

    @Test
    void anotherSecretsSignatureOrAnOldOneIsRefused() {
        InternalAuth other = InternalAuth.withSecret("test", Optional.of("ffffffffffffffffffffffffffffffff"));
        assertFalse(auth.verify("alice", other.sign("alice"), Instant.now()));
        String signature = auth.sign("alice");
        assertFalse(auth.verify("alice", signature, Instant.now().plus(InternalAuth.MAX_AGE).plusSeconds(5)));
    }

    @Test
    void aMissingOrShortSecretStopsTheService() {
        assertThrows(IllegalStateException.class, () -> InternalAuth.withSecret("x", Optional.empty()));
        assertThrows(IllegalStateException.class, () -> InternalAuth.withSecret("x", Optional.of("short-secret")));
    }
}
