package dev.playground.contract.docker;

import com.github.dockerjava.api.DockerClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the Docker engine answers a ping in time. */
@Readiness
@ApplicationScoped
public class DockerReadinessCheck implements HealthCheck {

    private final DockerClient docker;
    private final DockerConfig config;

    DockerReadinessCheck(DockerClient docker, DockerConfig config) {
        this.docker = docker;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("docker").withData("host", config.host());
        try {
            CompletableFuture.runAsync(() -> docker.pingCmd().exec())
                    .get(config.pingTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return builder.up().build();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return builder.down().withData("error", String.valueOf(cause.getMessage())).build();
        }
    }
}
