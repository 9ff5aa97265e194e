package dev.playground.executor.service;

import dev.playground.executor.runtime.Runtime;
import java.util.List;

/**
 * A validated request with every limit resolved: what the sandbox runner needs, nothing it must check again.
 *
 * @param files decoded file contents, entry point first
 * @param compile argv of the compile step, empty when the runtime has none
 */
public record ExecutionPlan(
        Runtime runtime,
        String image,
        List<PlannedFile> files,
        List<String> compile,
        List<String> run,
        byte[] stdin,
        boolean interactive,
        String sessionId,
        long runWallMs,
        long runCpuMs,
        int runMemoryMb,
        int pids,
        long outputBytes,
        long compileWallMs,
        long compileCpuMs,
        int compileMemoryMb) {

    /** A file to place in the work dir. */
    public record PlannedFile(String name, byte[] content) {
    }
}
