package dev.playground.session.client;

import dev.playground.contract.auth.InternalAuth;
import dev.playground.contract.execution.ExecutionResult;
import dev.playground.contract.problem.ApiProblem;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Asks the executor about an execution the history has not recorded yet, for the principal (signed). A 404 is an
 * answer (it does not know the id), not a failure; an executor that does not answer is retried once, then trips
 * the breaker, and the caller gets a 503 problem.
 */
@ApplicationScoped
public class ExecutorClient {

    private final ExecutorApi api;
    private final InternalAuth auth;

    ExecutorClient(@RestClient ExecutorApi api, InternalAuth auth) {
        this.api = api;
        this.auth = auth;
    }

    /** The executor's view of {@code id}, or null when it does not know it (for this principal). */
    @Timeout(3000)
    @Retry(maxRetries = 1, delay = 200)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000)
    @Fallback(fallbackMethod = "unreachable")
    public Uni<ExecutionResult> find(String id, String principal) {
        return api.get(id, principal, auth.sign(principal))
                .onFailure(e -> e instanceof WebApplicationException w && w.getResponse().getStatus() == 404)
                .recoverWithNull();
    }

    /** An artifact of an execution the history has not recorded yet, or null when the executor has none. */
    @Timeout(3000)
    @Retry(maxRetries = 1, delay = 200)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000)
    @Fallback(fallbackMethod = "artifactUnreachable")
    public Uni<byte[]> artifact(String id, String name, String principal) {
        return api.artifact(id, name, principal, auth.sign(principal))
                .onFailure(e -> e instanceof WebApplicationException w && w.getResponse().getStatus() == 404)
                .recoverWithNull();
    }

    Uni<byte[]> artifactUnreachable(String id, String name, String principal) {
        return Uni.createFrom().failure(ApiProblem.unavailable("Artifact " + name + " of execution " + id
                + " is not in the history yet and the executor did not answer; try again shortly.").retryAfter(2));
    }

    Uni<ExecutionResult> unreachable(String id, String principal) {
        return Uni.createFrom().failure(ApiProblem.unavailable("Execution " + id + " is not in the history yet and "
                + "the executor did not answer; try again shortly.").retryAfter(2));
    }
}
