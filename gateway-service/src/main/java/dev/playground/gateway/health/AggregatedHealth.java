package dev.playground.gateway.health;

import dev.playground.gateway.config.GatewayConfig;
import dev.playground.gateway.proxy.Downstreams;
import dev.playground.gateway.routing.Downstream;
import dev.playground.gateway.shared.SharedStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/health}: each service's readiness ({@code /q/health/ready}) and its circuit breaker, asked in
 * parallel; 200 when every service is UP, 503 otherwise. It goes around the breakers on purpose: it is how an
 * operator sees whether a service is back. Public, so it shows states only (each check's name and status): error
 * texts, hosts and addresses stay in the services' own {@code /q/health}, on the internal network. The gateway itself
 * is {@code DEGRADED} while its shared state (PostgreSQL) is unreachable: it serves, with per-instance limits, which
 * does not make the answer a 503.
 */
@ApplicationScoped
public class AggregatedHealth {

    private final Downstreams downstreams;
    private final GatewayConfig config;
    private final SharedStore sharedState;

    public AggregatedHealth(Downstreams downstreams, GatewayConfig config, SharedStore sharedState) {
        this.downstreams = downstreams;
        this.config = config;
        this.sharedState = sharedState;
    }

    public void handle(RoutingContext rc) {
        List<Future<JsonObject>> checks = new ArrayList<>();
        for (Downstream service : Downstream.values()) {
            checks.add(check(service));
        }
        Future.join(checks).onComplete(ignored -> {
            JsonObject services = new JsonObject();
            boolean allUp = true;
            for (int i = 0; i < checks.size(); i++) {
                JsonObject state = checks.get(i).result();
                services.put(Downstream.values()[i].serviceName(), state);
                allUp &= "UP".equals(state.getString("status"));
            }
            rc.response().setStatusCode(allUp ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("status", allUp ? "UP" : "DOWN").put("gateway", gateway())
                            .put("services", services).encode());
        });
    }

    private JsonObject gateway() {
        SharedStore.State state = sharedState.state();
        return new JsonObject().put("status", state == SharedStore.State.DOWN ? "DEGRADED" : "UP")
                .put("sharedState", state.name());
    }

    private Future<JsonObject> check(Downstream service) {
        Downstreams.Endpoint endpoint = downstreams.endpoint(service);
        String breaker = endpoint.breakerState().get().name();
        URI base = URI.create(endpoint.baseUrl());
        return downstreams.webClient()
                .get(endpoint.address().port(), endpoint.address().host(), base.getRawPath() + "/q/health/ready")
                .timeout(config.services().healthTimeout().toMillis())
                .send()
                .map(response -> {
                    JsonObject state = new JsonObject()
                            .put("status", response.statusCode() == 200 ? "UP" : "DOWN")
                            .put("circuitBreaker", breaker);
                    try {
                        JsonObject body = response.bodyAsJsonObject();
                        if (body != null && body.getJsonArray("checks") != null) {
                            JsonObject checks = new JsonObject();
                            body.getJsonArray("checks").stream().filter(JsonObject.class::isInstance)
                                    .map(JsonObject.class::cast)
                                    .forEach(c -> checks.put(c.getString("name", "?"), c.getString("status", "DOWN")));
                            state.put("checks", checks);
                            sandboxHosts(body).ifPresent(hosts -> state.put("sandboxHosts", hosts));
                        }
                    } catch (RuntimeException notJson) {
                        // A readiness answer without a JSON body still tells UP or DOWN by its status.
                    }
                    return state;
                })
                .otherwise(failure -> new JsonObject()
                        .put("status", "DOWN")
                        .put("reachable", false)
                        .put("circuitBreaker", breaker));
    }

    /**
     * Each sandbox host's state as a service's docker readiness check lists it (host name to UP or DOWN); anything else
     * the check carries (errors, addresses) stays in the service's own health.
     */
    static java.util.Optional<JsonObject> sandboxHosts(JsonObject readiness) {
        return readiness.getJsonArray("checks").stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
                .filter(c -> "docker".equals(c.getString("name")) && c.getValue("data") instanceof JsonObject)
                .findFirst().map(c -> {
                    JsonObject hosts = new JsonObject();
                    c.getJsonObject("data").forEach(e -> {
                        if ("UP".equals(e.getValue()) || "DOWN".equals(e.getValue())) {
                            hosts.put(e.getKey(), e.getValue());
                        }
                    });
                    return hosts;
                }).filter(h -> !h.isEmpty());
    }
}
