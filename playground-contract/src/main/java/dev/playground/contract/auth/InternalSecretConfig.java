package dev.playground.contract.auth;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The deployment's internal secret (env PLAYGROUND_INTERNAL_SECRET), shared by every service and the gateway. */
@ConfigMapping(prefix = "playground.internal")
public interface InternalSecretConfig {

    /** HMAC key of the principal header's signature: at least 32 bytes, or the service does not start. */
    Optional<String> secret();
}
