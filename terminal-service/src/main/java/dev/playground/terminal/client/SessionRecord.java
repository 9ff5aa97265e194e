package dev.playground.terminal.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What session-service's {@code GET /internal/sessions/{id}} tells about a session (the fields used here). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionRecord(String id, String owner, String state, String containerId, String workdir) {

    public boolean isRunning() {
        return "RUNNING".equals(state);
    }
}
