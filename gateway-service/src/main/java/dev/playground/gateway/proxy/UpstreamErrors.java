package dev.playground.gateway.proxy;

import dev.playground.contract.problem.ProblemType;
import dev.playground.gateway.problem.Problem;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** Turns what went wrong on the way to a downstream into the problem the caller sees. */
public final class UpstreamErrors {

    private UpstreamErrors() {
    }

    public static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * @param what who was not reached, as a person would name it ("session-service", "the preview server on port 3000")
     * @param retryAfterSeconds how long an open breaker stays open
     */
    public static Problem problemFor(Throwable failure, String what, long retryAfterSeconds) {
        Throwable t = unwrap(failure);
        if (t instanceof CircuitBreakerOpenException) {
            return Problem.of(ProblemType.UNAVAILABLE, what + " is failing, so the gateway stops sending it requests for a moment; retry after "
                            + retryAfterSeconds + " s")
                    .header("Retry-After", Long.toString(retryAfterSeconds));
        }
        if (t instanceof TimeoutException) {
            return Problem.of(ProblemType.UPSTREAM_TIMEOUT, what + " did not answer in time; retry, or check GET /api/v1/health");
        }
        return Problem.of(ProblemType.UNAVAILABLE, what + " cannot be reached right now; retry shortly, or check GET /api/v1/health")
                .header("Retry-After", "1");
    }

}
