package dev.playground.gateway.health;

import dev.playground.gateway.shared.SharedStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The gateway's shared state in {@code /q/health/ready}: always UP, since a gateway without PostgreSQL still serves
 * (taking every instance out of the load balancer because the database is down would turn a degraded limit into an
 * outage), with {@code state} saying whether limits and ticket single-use hold across instances right now.
 */
@Readiness
@ApplicationScoped
public class SharedStateCheck implements HealthCheck {

    private final SharedStore store;

    public SharedStateCheck(SharedStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("shared-state").up()
                .withData("state", store.state().name())
                .withData("limits", describe(store.state()))
                .build();
    }

    /** What a state means for a principal's limits, in words an operator can act on. */
    static String describe(SharedStore.State state) {
        return switch (state) {
            case UP -> "shared by every gateway instance (PostgreSQL)";
            case DOWN -> "DEGRADED: PostgreSQL unreachable, each instance limits on its own (up to the number of"
                    + " instances times a budget) and tickets are single-use per instance";
            case OFF -> "per instance (gateway.shared-state.enabled=false: right for a single gateway)";
        };
    }
}
