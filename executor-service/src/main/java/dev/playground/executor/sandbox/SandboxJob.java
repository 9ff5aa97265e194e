package dev.playground.executor.sandbox;

import java.util.List;

/**
 * Everything a sandbox runs, with every limit resolved and checked: the runner needs nothing else and checks nothing
 * again.
 *
 * @param image the runtime image
 * @param files files to write into the work dir, entry point first
 * @param compile argv of the compile step, empty when there is none
 * @param run argv of the run step
 * @param stdin up-front stdin (for an interactive job, the first of it)
 * @param interactive more stdin (and its end) arrives while the program runs
 * @param compileLimits limits of the compile step
 * @param runLimits limits of the run step
 * @param outputBytes most bytes kept of each output stream; past it the program is stopped
 * @param pids processes and threads the sandbox may hold
 * @param artifacts which files the run writes come back with the result
 */
public record SandboxJob(String image, List<SandboxFile> files, List<String> compile, List<String> run, byte[] stdin,
        boolean interactive, StepLimits compileLimits, StepLimits runLimits, long outputBytes, int pids,
        Artifacts artifacts) {

    /**
     * What of the run's files comes back: the paths (relative to the work dir, folders walked) and the caps.
     *
     * @param paths empty: none
     */
    public record Artifacts(List<String> paths, int maxFiles, long maxFileBytes, long maxTotalBytes) {
        public Artifacts {
            paths = List.copyOf(paths);
        }
    }

    /** A file to place in the work dir. */
    public record SandboxFile(String name, byte[] content) {
    }

    /** Limits of one step. */
    public record StepLimits(long wallMs, long cpuMs, int memoryMb) {
    }

    public SandboxJob {
        files = List.copyOf(files);
        compile = List.copyOf(compile);
        run = List.copyOf(run);
    }

    public boolean hasCompileStep() {
        return !compile.isEmpty();
    }

    /** Memory the sandbox is created with: enough for the compile step when it needs more than the run. */
    public int sandboxMemoryMb() {
        return hasCompileStep() ? Math.max(runLimits.memoryMb(), compileLimits.memoryMb()) : runLimits.memoryMb();
    }

    /** True when the sandbox must shrink to the run's memory between the steps. */
    public boolean resizeBeforeRun() {
        return hasCompileStep() && compileLimits.memoryMb() != runLimits.memoryMb();
    }

    /** The longest a sandbox may take before it is killed from outside: both steps' wall time and a grace. */
    public long deadlineMs(long graceMs) {
        return (hasCompileStep() ? compileLimits.wallMs() : 0) + runLimits.wallMs() + graceMs;
    }
}
