package dev.playground.executor.client;

import dev.playground.contract.auth.InternalAuth;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import dev.playground.contract.session.InternalSession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Finds the container a run with sessionId goes into, asking session-service for the principal (signed). Its
 * answers (404, a session not running) are problems the caller understands, not failures; a session-service that
 * does not answer is retried once, then trips the breaker, and the caller gets a 503 problem.
 */
@ApplicationScoped
public class SessionClient {

    private final SessionApi api;
    private final InternalAuth auth;

    SessionClient(@RestClient SessionApi api, InternalAuth auth) {
        this.api = api;
        this.auth = auth;
    }

    /** The session's container and workspace, if the session is the principal's and running. */
    public InternalSession runningSession(String sessionId, String principal) {
        InternalSession s = find(sessionId, principal);
        if (s == null) {
            throw ApiProblem.notFound("Session", sessionId);
        }
        if (!s.isRunning()) {
            throw ApiProblem.of(ProblemType.SESSION_NOT_RUNNING, "Session " + sessionId + " is " + s.state()
                    + "; start it (POST /api/v1/sessions/" + sessionId + "/start) before running code in it.");
        }
        return s;
    }

    /** The session, or null when it does not exist for this principal. */
    @Timeout(3000)
    @Retry(maxRetries = 1, delay = 200)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000)
    @Fallback(fallbackMethod = "unreachable")
    InternalSession find(String sessionId, String principal) {
        try {
            return api.get(sessionId, principal, auth.sign(principal));
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                return null;
            }
            throw e;
        }
    }

    InternalSession unreachable(String sessionId, String principal) {
        throw ApiProblem.unavailable("Could not reach session-service to look up session " + sessionId
                + "; try again.").retryAfter(2);
    }
}
