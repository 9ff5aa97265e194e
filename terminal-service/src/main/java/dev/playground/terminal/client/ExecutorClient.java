package dev.playground.terminal.client;

import dev.playground.contract.auth.InternalAuth;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * executor-service's run endpoint, for {@code {"type":"run"}} on {@code /api/v1/executions/stream}, asked for the
 * principal (signed). Not retried: starting a run is not idempotent. The executor's refusals (its problem detail)
 * reach the user as {@link RejectedRun}.
 */
@ApplicationScoped
public class ExecutorClient {

    private final ExecutorApi api;
    private final InternalAuth auth;

    ExecutorClient(@RestClient ExecutorApi api, InternalAuth auth) {
        this.api = api;
        this.auth = auth;
    }

    /** Starts an execution (never waiting for it); returns its id. */
    @Timeout(10000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = RejectedRun.class)
    public Uni<String> start(JsonObject request, String principal) {
        return api.start(request, principal, auth.sign(principal))
                .onFailure(WebApplicationException.class).transform(e -> new RejectedRun(detail((WebApplicationException) e)))
                .map(body -> {
                    if (body == null || body.getString("id") == null) {
                        throw new RejectedRun("executor-service answered without an execution id");
                    }
                    return body.getString("id");
                });
    }

    private static String detail(WebApplicationException e) {
        try {
            JsonObject problem = new JsonObject(e.getResponse().readEntity(String.class));
            if (problem.getString("detail") != null) {
                return problem.getString("detail");
            }
        } catch (RuntimeException notJson) {
            // fall through to the status
        }
        return "executor-service answered " + e.getResponse().getStatus();
    }

    /** executor-service refused a run request; the message is its problem detail, meant for the user. */
    public static final class RejectedRun extends RuntimeException {
        public RejectedRun(String detail) {
            super(detail);
        }
    }
}
