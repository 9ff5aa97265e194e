package dev.playground.executor.session;

import dev.playground.executor.service.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Finds the container a run with sessionId goes into; turns session-service's answers into problems a caller understands. */
@ApplicationScoped
public class SessionClient {

    private final SessionApi api;

    SessionClient(@RestClient SessionApi api) {
        this.api = api;
    }

    /** The session's container and workspace, if the session is the principal's and running. */
    public SessionInfo runningSession(String sessionId, String principal) {
        SessionInfo s;
        try {
            s = api.get(sessionId, principal);
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                throw ProblemException.notFound("Session " + sessionId + " does not exist (or is not yours).");
            }
            throw new ProblemException(503, "session-service-unavailable", "Session service unavailable",
                    "Could not look up session " + sessionId + " (HTTP " + e.getResponse().getStatus() + "); try again.", 2);
        } catch (RuntimeException e) {
            if (e instanceof ProblemException p) {
                throw p;
            }
            throw new ProblemException(503, "session-service-unavailable", "Session service unavailable",
                    "Could not reach session-service to look up session " + sessionId + "; try again.", 2);
        }
        if (!"RUNNING".equals(s.state()) || s.containerId() == null) {
            throw new ProblemException(409, "session-not-running", "Session not running",
                    "Session " + sessionId + " is " + s.state() + "; start it (POST /api/v1/sessions/" + sessionId
                            + "/start) before running code in it.");
        }
        return s;
    }
}
