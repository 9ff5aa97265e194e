package dev.playground.contract.sandbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Settings every service that makes sandboxes shares (env: PLAYGROUND_SANDBOX_...). */
@ConfigMapping(prefix = "playground.sandbox")
public interface SandboxConfig {

    /** Numeric uid:gid every container and exec runs as; uid 0 or gid 0 stop the service at start. */
    @WithDefault("1000:1000")
    String user();

    /**
     * OCI runtime of sandboxes and session containers, e.g. {@code runsc} for gVisor (registered with the engine by
     * {@code ./playground up --runtime runsc}); unset: the engine's default (runc).
     */
    Optional<String> runtime();

    /** The user, parsed and checked. */
    default SandboxUser sandboxUser() {
        return SandboxUser.parse(user());
    }
}
