package dev.playground.contract.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What session-service's {@code GET /internal/sessions/{id}} answers (asked with the principal's signed header; another
 * principal's id is a 404): everything the executor (runs in a session), terminal-service (terminals, previews) and
 * the gateway (preview errors) need to reach a session. One record for producer and consumers.
 *
 * @param host the sandbox host whose Docker engine runs the container
 * @param containerId the container, null until it was created
 * @param workdir the workspace's mount point inside the container
 * @param ports the preview ports the session declared
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InternalSession(String id, String owner, SessionState state, String host, String containerId,
        String workdir, List<Integer> ports) {

    public InternalSession {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** True when the container runs and takes work (derived, not sent). */
    @JsonIgnore
    public boolean isRunning() {
        return state == SessionState.RUNNING && containerId != null;
    }

    /** True when {@code port} is one of the session's preview ports. */
    public boolean exposes(int port) {
        return ports.contains(port);
    }
}
