package dev.playground.executor.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of session-service's internal session record a run needs. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionInfo(String id, String owner, String state, String containerId, String workdir) {
}
