package dev.playground.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** Everything an operator can tune about running code. Env override: PLAYGROUND_EXECUTOR_..., e.g. PLAYGROUND_EXECUTOR_MAX_PARALLEL. */
@ConfigMapping(prefix = "playground.executor")
public interface ExecutorConfig {

    /** This deployment's name, written on every sandbox as label playground.instance; the reaper acts only on it. */
    @WithDefault("${playground.instance:compose}")
    String instance();

    /**
     * This executor instance's name among several of one deployment (env PLAYGROUND_REPLICA), written on its sandboxes
     * as label {@code playground.replica}: an instance's reaper removes only its own leftovers, never a run another
     * instance has going. Empty (one instance): no such label, the reaper takes every sandbox of the deployment.
     */
    java.util.Optional<String> replica();

    /** Runs executing at once; each holds one sandbox container. */
    @WithDefault("4")
    int maxParallel();

    /** Runs waiting for a free slot, all principals together; past this a request gets 503 with Retry-After. */
    @WithDefault("32")
    int queueCapacity();

    /** Runs one principal may have in sandboxes at once (its share of max-parallel). */
    @WithDefault("2")
    int maxParallelPerPrincipal();

    /** Runs one principal may have waiting; past this its requests get 429 with Retry-After while others are served. */
    @WithDefault("8")
    int queuePerPrincipal();

    /** Seconds a rejected client is told to wait (Retry-After). */
    @WithDefault("2")
    int retryAfterSeconds();

    /** Finished executions kept in memory for GET /executions/{id} (oldest dropped first). */
    @WithDefault("1000")
    int recentCapacity();

    /** Bytes of output finished executions may hold in memory together (oldest dropped first). */
    @WithDefault("16777216")
    long recentBytes();

    /**
     * Bytes of heap the output of running executions may take together: each run reserves what its output limit
     * allows (its four streams, at their size in JSON) before it starts, and waits while that does not fit.
     */
    @WithDefault("33554432")
    long outputMemory();

    /** How often the reaper removes this instance's execution containers that no running execution owns. */
    @WithDefault("60s")
    Duration reaperInterval();

    /**
     * How far before an orphaned sandbox's creation the reaper looks for its execution's events on the topic
     * (QUEUED is published before the sandbox exists, so this covers the longest wait in the queue).
     */
    @WithDefault("10m")
    Duration orphanLookback();

    /**
     * Time the reaper gives Kafka to find an orphaned execution's events and acknowledge its closing COMPLETED;
     * past it the sandbox stays and the next pass tries again.
     */
    @WithDefault("20s")
    Duration orphanCloseTimeout();

    /** Largest total size of a request's files (and code), in bytes, decoded. */
    @WithDefault("1048576")
    long maxSourceBytes();

    /** Largest up-front stdin, in bytes. */
    @WithDefault("1048576")
    long maxStdinBytes();

    /** Most files in one request. */
    @WithDefault("64")
    int maxFiles();

    /** Size of the sandbox's tmpfs work dir (/workspace) and of its /tmp, each, in MB. */
    @WithDefault("64")
    int workspaceMb();

    /** Largest file a program may write (RLIMIT_FSIZE), in MB. */
    @WithDefault("32")
    int fileSizeMb();

    /** Open files per process (RLIMIT_NOFILE). */
    @WithDefault("256")
    int openFiles();

    /** CPUs a sandbox may use (CPU quota). */
    @WithDefault("1.0")
    double cpus();

    /** Runtime image per language family (python, node, java, gcc, go, rust, ruby, php, lua). */
    @WithDefault("playground/runtime-{family}:latest")
    String imagePattern();

    /** Per-family image overrides, e.g. playground.executor.images.python=registry/python:3.13. */
    Map<String, String> images();

    /** Limits of the run step. */
    StepLimits run();

    /** Warm sandboxes: created and started ahead of demand per runtime image and sandbox host, each used by one run. */
    Pool pool();

    interface Pool {
        /** Keep warm sandboxes at all; false: every run creates and starts its container when it runs. */
        @WithDefault("true")
        boolean enabled();

        /** Warm sandboxes kept per runtime image and host however idle it is. */
        @WithDefault("1")
        int min();

        /** Most warm sandboxes per runtime image and host. */
        @WithDefault("4")
        int max();

        /** The window of recent demand that sizes a pool: its target is the runs of its image in it, between min and max. */
        @WithDefault("60s")
        Duration demandWindow();

        /** How often pools are topped up and trimmed. */
        @WithDefault("250ms")
        Duration refillInterval();
    }

    /** Files a run writes to its output folder, which come back with the result. */
    Artifacts artifacts();

    interface Artifacts {
        /** The folder (relative to the work dir) whose files come back when a request names no paths. */
        @WithDefault("out")
        String dir();

        /** Most files per run. */
        @WithDefault("20")
        int maxFiles();

        /** Largest file, in bytes; a larger one is left out. */
        @WithDefault("4194304")
        long maxFileBytes();

        /** Most bytes of all a run's files together. */
        @WithDefault("8388608")
        long maxTotalBytes();
    }

    /** Limits of the compile step. */
    CompileLimits compile();

    interface StepLimits {
        /** Default wall-clock limit, ms. */
        @WithDefault("10000")
        long wallTimeMs();

        /** Largest wall-clock limit a request may ask for, ms. */
        @WithDefault("60000")
        long maxWallTimeMs();

        /** Default CPU-time limit, ms. */
        @WithDefault("5000")
        long cpuTimeMs();

        /** Largest CPU-time limit a request may ask for, ms. */
        @WithDefault("30000")
        long maxCpuTimeMs();

        /** Default memory limit (memory = memory+swap), MB. */
        @WithDefault("256")
        int memoryMb();

        /** Largest memory limit a request may ask for, MB. */
        @WithDefault("1024")
        int maxMemoryMb();

        /** Default process/thread limit. */
        @WithDefault("64")
        int pids();

        /** Largest process/thread limit a request may ask for. */
        @WithDefault("256")
        int maxPids();

        /** Default output limit per stream (stdout and stderr each), bytes. */
        @WithDefault("1048576")
        long outputBytes();

        /** Largest output limit per stream a request may ask for, bytes. */
        @WithDefault("8388608")
        long maxOutputBytes();
    }

    interface CompileLimits {
        /** Default wall-clock limit of the compile step, ms. */
        @WithDefault("20000")
        long wallTimeMs();

        /** Largest wall-clock limit of the compile step, ms. */
        @WithDefault("60000")
        long maxWallTimeMs();

        /** Default CPU-time limit of the compile step, ms. */
        @WithDefault("15000")
        long cpuTimeMs();

        /** Largest CPU-time limit of the compile step, ms. */
        @WithDefault("60000")
        long maxCpuTimeMs();

        /**
         * Default memory of the compile step, MB; never less than the run's. When it is more, the sandbox is
         * resized to the run's limit between the steps (one extra engine call, so the default equals the run's).
         */
        @WithDefault("256")
        int memoryMb();

        /** Largest memory of the compile step, MB. */
        @WithDefault("1024")
        int maxMemoryMb();
    }
}
