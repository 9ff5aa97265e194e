package dev.playground.contract.docker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How a service reaches the Docker engines that run sandboxes ("sandbox hosts"). */
@ConfigMapping(prefix = "playground.docker")
public interface DockerConfig {

    /** The local engine's address, used when {@link #hosts()} is not set: e.g. unix:///var/run/docker.sock. */
    @WithDefault("unix:///var/run/docker.sock")
    String host();

    /**
     * The sandbox hosts, when there are several: comma-separated {@code name=tcp://address:2376} (env
     * PLAYGROUND_SANDBOX_HOSTS). Unset: one host named {@value SandboxHosts#LOCAL} at {@link #host()}. A tcp engine is
     * only ever reached with mutual TLS ({@link #tlsDir()}); a plain TCP Docker socket is refused at start.
     */
    Optional<String> hosts();

    /**
     * Directory holding {@code ca.pem} (the sandbox hosts' CA), {@code cert.pem} and {@code key.pem} (this service's
     * client certificate) for tcp hosts (env PLAYGROUND_SANDBOX_TLS_DIR).
     */
    Optional<String> tlsDir();

    /** Connections the client keeps to each engine; each running attach/exec holds one. */
    @WithDefault("100")
    int maxConnections();

    /** How long a ping may take before the host counts as down (readiness, placement). */
    @WithDefault("2s")
    Duration pingTimeout();

    /** How often every host is pinged; a host that misses a ping is down until it answers again. */
    @WithDefault("3s")
    Duration pingInterval();
}
