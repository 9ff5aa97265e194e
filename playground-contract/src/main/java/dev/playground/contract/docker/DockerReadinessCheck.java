package dev.playground.contract.docker;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while at least one sandbox host answers its ping; each host's state is in the answer. */
@Readiness
@ApplicationScoped
public class DockerReadinessCheck implements HealthCheck {

    private final SandboxHosts hosts;

    DockerReadinessCheck(SandboxHosts hosts) {
        this.hosts = hosts;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("docker");
        hosts.states().forEach(builder::withData);
        return hosts.upHosts().isEmpty() ? builder.down().build() : builder.up().build();
    }
}
