package dev.playground.contract.session;

import java.time.Instant;

/** One event on {@code playground.session.events} (key = sessionId). */
public record SessionEvent(String sessionId, String owner, SessionEventType type, Instant at) {
}
