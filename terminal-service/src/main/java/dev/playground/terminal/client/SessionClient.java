package dev.playground.terminal.client;

import dev.playground.contract.auth.InternalAuth;
import dev.playground.contract.session.InternalSession;
import dev.playground.terminal.config.TerminalConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * session-service as this service needs it, asked for the principal (signed): resolve a session to its container, and
 * report terminal use as session activity. Non-blocking, since it is called from WebSocket callbacks. A 404 is an
 * answer (no such session for this principal), not a failure.
 */
@ApplicationScoped
public class SessionClient {

    private static final Logger LOG = Logger.getLogger(SessionClient.class);

    private final SessionApi api;
    private final InternalAuth auth;
    private final TerminalConfig config;
    /** Last time activity was reported per session, so a busy terminal costs one call per interval. */
    private final Map<String, Long> lastActivityReport = new ConcurrentHashMap<>();

    SessionClient(@RestClient SessionApi api, InternalAuth auth, TerminalConfig config) {
        this.api = api;
        this.auth = auth;
        this.config = config;
    }

    /** The session as its owner sees it; empty when it does not exist for this principal. */
    @Timeout(5000)
    @Retry(maxRetries = 1, delay = 200)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000)
    public Uni<Optional<InternalSession>> find(String sessionId, String principal) {
        return api.get(sessionId, principal, auth.sign(principal)).map(Optional::of)
                .onFailure(e -> e instanceof WebApplicationException w && w.getResponse().getStatus() == 404)
                .recoverWithItem(Optional.empty());
    }

    /** Reports terminal use, at most once per configured interval per session; failures only log. */
    public void reportActivity(String sessionId, String principal) {
        long now = System.nanoTime();
        long interval = config.pty().activityInterval().toNanos();
        boolean due = lastActivityReport.compute(sessionId, (id, last) ->
                last == null || now - last >= interval ? now : last) == now;
        if (due) {
            api.activity(sessionId, principal, auth.sign(principal)).subscribe().with(ok -> { },
                    e -> LOG.warnf("session %s: activity report failed: %s", sessionId, e.getMessage()));
        }
    }

    /** Forgets the throttle state of a session that is gone. */
    public void forget(String sessionId) {
        lastActivityReport.remove(sessionId);
    }
}
