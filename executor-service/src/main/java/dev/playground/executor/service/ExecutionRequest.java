package dev.playground.executor.service;

import java.util.List;

/**
 * The body of POST /api/v1/executions (the contract's shape). Validated by {@link ExecutionPlanner}, which
 * turns it into a {@link ExecutionPlan} or a 4xx problem.
 */
public record ExecutionRequest(
        String language,
        String version,
        List<SourceFile> files,
        String code,
        String stdin,
        List<String> args,
        Limits limits,
        Limits compileLimits,
        Boolean interactive,
        String sessionId,
        /** Paths (relative to the work dir; folders are walked) whose files come back; default: the output folder. */
        List<String> artifacts) {

    /** One source file; the first file is the entry point. */
    public record SourceFile(String name, String content, String encoding) {
    }

    /** Requested limits; absent fields take the server's defaults. */
    public record Limits(Long wallTimeMs, Long cpuTimeMs, Integer memoryMb, Integer pids, Long outputBytes) {
    }
}
