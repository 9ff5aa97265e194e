package dev.playground.contract.docker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How a service reaches the Docker engine. */
@ConfigMapping(prefix = "playground.docker")
public interface DockerConfig {

    /** Engine address, e.g. unix:///var/run/docker.sock or tcp://docker-host:2375. */
    @WithDefault("unix:///var/run/docker.sock")
    String host();

    /** Connections the client keeps to the engine; each running attach/exec holds one. */
    @WithDefault("100")
    int maxConnections();

    /** How long the readiness check waits for the engine's ping. */
    @WithDefault("2s")
    Duration pingTimeout();
}
