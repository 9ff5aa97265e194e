package dev.playground.contract.execution;

/**
 * One message on {@code playground.execution.artifacts} (key = executionId): a file a run wrote to its output folder,
 * with its bytes, for session-service to keep with the history. Published before the execution's COMPLETED event.
 */
public record ExecutionArtifact(String executionId, String owner, String name, String contentType, String dataBase64) {
}
