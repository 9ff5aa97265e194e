package dev.playground.terminal.pty;

import dev.playground.contract.session.SessionEvent;
import dev.playground.contract.session.SessionEventType;
import dev.playground.terminal.client.SessionClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Closes a session's terminals, detached ones included, when the session stops, expires or is deleted
 * ({@code playground.session.events}).
 */
@ApplicationScoped
public class SessionEndings {

    private static final Logger LOG = Logger.getLogger(SessionEndings.class);
    private static final Set<SessionEventType> ENDINGS =
            EnumSet.of(SessionEventType.STOPPED, SessionEventType.EXPIRED, SessionEventType.DELETED);

    private final TerminalRegistry registry;
    private final SessionClient sessions;

    SessionEndings(TerminalRegistry registry, SessionClient sessions) {
        this.registry = registry;
        this.sessions = sessions;
    }

    @Incoming("session-events")
    void on(SessionEvent event) {
        if (event == null || event.sessionId() == null || !ENDINGS.contains(event.type())) {
            return;
        }
        var terminals = registry.of(event.sessionId());
        if (!terminals.isEmpty()) {
            LOG.infof("session %s: %s, closing %d terminal(s)", event.sessionId(), event.type(), terminals.size());
        }
        String reason = "session " + event.type().name().toLowerCase();
        terminals.forEach(t -> t.close(1000, reason));
        sessions.forget(event.sessionId());
    }
}
