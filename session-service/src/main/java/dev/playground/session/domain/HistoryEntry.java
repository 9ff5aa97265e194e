package dev.playground.session.domain;

import dev.playground.contract.execution.ExecutionStatus;
import dev.playground.contract.execution.Verdict;
import java.time.Instant;

/**
 * An execution as a list shows it: its record without the stored result, whose output may be tens of megabytes;
 * {@code summary} is that result without stdout and stderr (JSON), null until the run completes.
 */
public record HistoryEntry(String id, String sessionId, String language, ExecutionStatus status, Verdict verdict,
        String summary, Instant createdAt) {
}
