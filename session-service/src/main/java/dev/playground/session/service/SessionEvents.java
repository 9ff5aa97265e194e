package dev.playground.session.service;

import dev.playground.contract.session.SessionEvent;
import dev.playground.contract.session.SessionEventType;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/** Publishes every state change on {@code playground.session.events}, keyed by session id so they stay in order. */
@ApplicationScoped
public class SessionEvents {
    private static final Logger LOG = Logger.getLogger(SessionEvents.class);

    private final Emitter<SessionEvent> emitter;

    SessionEvents(@Channel("session-events") Emitter<SessionEvent> emitter) {
        this.emitter = emitter;
    }

    public void publish(String sessionId, String owner, SessionEventType type) {
        var event = new SessionEvent(sessionId, owner, type, Instant.now());
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(sessionId).build();
        emitter.send(Message.of(event).addMetadata(metadata)
                .withAck(() -> java.util.concurrent.CompletableFuture.completedFuture(null))
                .withNack(e -> {
                    LOG.warnf("session %s: %s event not published: %s", sessionId, type, e.getMessage());
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                }));
        LOG.infof("session %s: %s", sessionId, type);
    }
}
