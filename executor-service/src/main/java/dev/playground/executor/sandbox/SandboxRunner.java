package dev.playground.executor.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.StreamType;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.sandbox.SandboxSpec;
import dev.playground.executor.config.ExecutorConfig;
import dev.playground.executor.service.ExecutionPlan;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs one plan in a sandbox: a fresh hardened container (create, attach, start: the same three engine calls
 * as {@code docker run}), or a {@code docker exec} into a session's container. The files, the steps and stdin
 * go in as frames on the attach connection's stdin, so no extra copy or exec call sits on the hot path; the
 * supervisor inside reports output and measurements back as frames.
 */
@ApplicationScoped
public class SandboxRunner {

    private static final Logger LOG = Logger.getLogger(SandboxRunner.class);
    private static final int SANDBOX_UID = 1000;
    /** How long past its own limits a sandbox may stay silent before the executor kills it from outside. */
    private static final long GRACE_MS = 10_000;

    private final DockerClient docker;
    private final ExecutorConfig config;
    private final String supervisor;

    SandboxRunner(DockerClient docker, ExecutorConfig config) {
        this.docker = docker;
        this.config = config;
        try (InputStream in = SandboxRunner.class.getResourceAsStream("/supervisor.pl")) {
            this.supervisor = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the engine said about a sandbox whose supervisor did not report (it was killed, e.g. by the OOM killer). */
    public record Outcome(boolean supervisorReported, boolean oomKilled, String error) {
    }

    /** Executor-only label: the run's language, so a later process can close an orphaned run with it. */
    public static final String LANGUAGE_LABEL = "playground.language";
    /** Executor-only label: the runtime's version, for the same reason. */
    public static final String VERSION_LABEL = "playground.version";

    private Map<String, String> labels(String executionId, String owner, ExecutionPlan plan) {
        Map<String, String> labels = new java.util.HashMap<>(
                ContainerLabels.of(config.instance(), ContainerLabels.KIND_EXECUTION, executionId, owner));
        labels.put(LANGUAGE_LABEL, plan.runtime().language());
        labels.put(VERSION_LABEL, plan.runtime().version());
        return labels;
    }

    /** Where a run in a session happens. */
    public record SessionTarget(String containerId, String workdir) {
    }

    /** The hardened container spec of an execution sandbox. */
    public SandboxSpec spec(ExecutionPlan plan) {
        long workspace = config.workspaceMb() * 1024L * 1024L;
        int memoryMb = Math.max(plan.runMemoryMb(), plan.compile().isEmpty() ? 0 : plan.compileMemoryMb());
        return SandboxSpec.of(memoryMb * 1024L * 1024L, config.cpus(), plan.pids(), config.fileSizeMb() * 1024L * 1024L)
                .withOpenFiles(config.openFiles())
                .withTmpfs("/workspace", workspace, true, SANDBOX_UID, SANDBOX_UID)
                .withTmpfs("/tmp", workspace, true);
    }

    /**
     * Runs the plan in a fresh container and removes it whatever happens. Blocks until the sandbox is done;
     * {@code done} gets the outcome before the container's removal.
     */
    public Outcome runFresh(String executionId, String owner, ExecutionPlan plan, SandboxControl control,
            SandboxListener listener, Consumer<Outcome> done) {
        String containerId = null;
        Outcome outcome;
        try {
            HostConfig host = spec(plan).toHostConfig()
                    // Output travels on the attach stream only; a log driver would copy every byte to disk.
                    .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE));
            containerId = docker.createContainerCmd(plan.image())
                    .withName("playground-exec-" + executionId)
                    .withCmd("perl", "-e", supervisor)
                    .withWorkingDir("/workspace")
                    .withEnv("HOME=/workspace", "TMPDIR=/tmp", "LANG=C.UTF-8")
                    .withLabels(labels(executionId, owner, plan))
                    .withNetworkDisabled(true)
                    .withAttachStdin(true).withStdinOpen(true).withStdInOnce(true)
                    .withAttachStdout(true).withAttachStderr(true)
                    .withHostConfig(host)
                    .exec().getId();
            String id = containerId;
            sendSetup(control, plan, "/workspace", true);
            Stream stream = new Stream(control, listener, () -> {
                if (plan.compileMemoryMb() != plan.runMemoryMb() && !plan.compile().isEmpty()) {
                    long bytes = plan.runMemoryMb() * 1024L * 1024L;
                    // Tighten the sandbox to the run's memory before the run starts (javac gets more than the program).
                    docker.updateContainerCmd(id).withMemory(bytes).withMemorySwap(bytes).exec();
                }
            });
            docker.attachContainerCmd(id).withStdIn(control.input()).withStdOut(true).withStdErr(true)
                    .withFollowStream(true).exec(stream);
            stream.awaitAttached();
            docker.startContainerCmd(id).exec();
            boolean finished = stream.await(deadlineMs(plan));
            if (!finished) {
                LOG.warnf("sandbox %s of execution %s outlived its limits; killing it", id, executionId);
                control.cancel();
                kill(id);
                stream.await(2_000);
            }
            if (stream.reported) {
                outcome = new Outcome(true, false, null);
            } else {
                var state = docker.inspectContainerCmd(id).exec().getState();
                boolean oom = Boolean.TRUE.equals(state.getOOMKilled());
                outcome = new Outcome(false, oom, oom ? null : "the sandbox ended without a report (exit "
                        + state.getExitCodeLong() + ")" + stream.supervisorErrors());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "sandbox of execution %s failed", executionId);
            outcome = new Outcome(false, false, "the sandbox could not run: " + e.getMessage());
        } finally {
            control.close();
        }
        try {
            // The caller's answer does not wait for the removal.
            done.accept(outcome);
        } finally {
            if (containerId != null) {
                remove(containerId);
            }
        }
        return outcome;
    }

    /** Runs the plan inside a session's container with docker exec, in its workspace. */
    public Outcome runInSession(String executionId, ExecutionPlan plan, SessionTarget target, SandboxControl control,
            SandboxListener listener) {
        try {
            String execId = docker.execCreateCmd(target.containerId())
                    .withCmd("perl", "-e", supervisor)
                    .withWorkingDir(target.workdir())
                    .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true)
                    .exec().getId();
            sendSetup(control, plan, target.workdir(), false);
            Stream stream = new Stream(control, listener, () -> { });
            docker.execStartCmd(execId).withStdIn(control.input()).withDetach(false).exec(stream);
            stream.awaitAttached();
            if (!stream.await(deadlineMs(plan))) {
                control.cancel();
                stream.await(2_000);
            }
            return stream.reported ? new Outcome(true, false, null)
                    : new Outcome(false, false, "the run in session ended without a report" + stream.supervisorErrors());
        } catch (NotFoundException e) {
            return new Outcome(false, false, "the session's container is gone");
        } catch (RuntimeException e) {
            LOG.errorf(e, "run of execution %s in session container %s failed", executionId, target.containerId());
            return new Outcome(false, false, "the run in the session could not start: " + e.getMessage());
        } finally {
            control.close();
        }
    }

    private long deadlineMs(ExecutionPlan plan) {
        return plan.compileWallMs() + plan.runWallMs() + GRACE_MS;
    }

    private void sendSetup(SandboxControl control, ExecutionPlan plan, String dir, boolean fresh) {
        boolean hold = fresh && !plan.compile().isEmpty() && plan.compileMemoryMb() != plan.runMemoryMb();
        String cfg = "fresh=" + (fresh ? 1 : 0) + "\ndir=" + dir + "\ncwall=" + plan.compileWallMs() + "\nccpu="
                + plan.compileCpuMs() + "\nrwall=" + plan.runWallMs() + "\nrcpu=" + plan.runCpuMs() + "\nout="
                + plan.outputBytes() + "\ninteractive=" + (plan.interactive() ? 1 : 0) + "\nhold=" + (hold ? 1 : 0) + "\n";
        ByteArrayOutputStream setup = new ByteArrayOutputStream();
        setup.writeBytes(SupervisorFrames.frame('C', cfg));
        setup.writeBytes(SupervisorFrames.frame('K', SupervisorFrames.argv(plan.compile())));
        setup.writeBytes(SupervisorFrames.frame('R', SupervisorFrames.argv(plan.run())));
        for (ExecutionPlan.PlannedFile f : plan.files()) {
            byte[] name = f.name().getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[name.length + 1 + f.content().length];
            System.arraycopy(name, 0, payload, 0, name.length);
            System.arraycopy(f.content(), 0, payload, name.length + 1, f.content().length);
            setup.writeBytes(SupervisorFrames.frame('F', payload));
        }
        setup.writeBytes(SupervisorFrames.frame('S', new byte[0]));
        if (!plan.interactive()) {
            if (plan.stdin().length > 0) {
                setup.writeBytes(SupervisorFrames.frame('I', plan.stdin()));
            }
            setup.writeBytes(SupervisorFrames.frame('E', new byte[0]));
        } else if (plan.stdin().length > 0) {
            setup.writeBytes(SupervisorFrames.frame('I', plan.stdin()));
        }
        control.send(setup.toByteArray());
    }

    /** Kills a sandbox from outside (a supervisor that stopped answering, a cancel that must land). */
    public void kill(String containerId) {
        try {
            docker.killContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
            LOG.debugf("kill of %s: %s", containerId, e.getMessage());
        }
    }

    /** Removes a sandbox; a container already gone is fine. */
    public void remove(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone (the reaper, or a concurrent remove)
        } catch (RuntimeException e) {
            LOG.warnf("could not remove sandbox %s (the reaper will): %s", containerId, e.getMessage());
        }
    }

    /** The attach/exec stream: demultiplexes Docker frames, reassembles supervisor frames, calls the listener. */
    private static final class Stream extends ResultCallback.Adapter<Frame> {
        private final SandboxControl control;
        private final SandboxListener listener;
        private final Runnable beforeRun;
        private final SupervisorFrames.Decoder decoder;
        private final CompletableFuture<Void> started = new CompletableFuture<>();
        private final StringBuilder supervisorErrors = new StringBuilder();
        private volatile boolean reported;
        private boolean announced;

        Stream(SandboxControl control, SandboxListener listener, Runnable beforeRun) {
            this.control = control;
            this.listener = listener;
            this.beforeRun = beforeRun;
            this.decoder = new SupervisorFrames.Decoder(this::onFrame);
        }

        @Override
        public void onStart(Closeable stream) {
            super.onStart(stream);
            started.complete(null);
        }

        @Override
        public void onNext(Frame frame) {
            if (frame.getStreamType() == StreamType.STDERR) {
                if (supervisorErrors.length() < 4096) {
                    supervisorErrors.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
                return;
            }
            decoder.accept(frame.getPayload());
        }

        @Override
        public void onError(Throwable throwable) {
            started.completeExceptionally(throwable);
            super.onError(throwable);
        }

        private void onFrame(char type, byte[] payload) {
            if (!announced) {
                announced = true;
                listener.started();
            }
            switch (type) {
                case 'c', 'd', 'o', 'e' -> listener.output(type, payload);
                case 'w' -> listener.waitingForInput();
                case 'k' -> {
                    Map<String, String> m = SupervisorFrames.keyValues(payload);
                    listener.stepFinished('k', m);
                    if ("0".equals(m.get("exit")) && m.get("reason").isEmpty() && "0".equals(m.get("oom"))) {
                        try {
                            beforeRun.run();
                            control.send(SupervisorFrames.frame('G', new byte[0]));
                        } catch (RuntimeException e) {
                            control.cancel();
                            throw e;
                        }
                    } else {
                        reported = true;
                    }
                }
                case 'r' -> {
                    listener.stepFinished('r', SupervisorFrames.keyValues(payload));
                    reported = true;
                }
                case 'z' -> supervisorErrors.append(new String(payload, StandardCharsets.UTF_8));
                default -> LOG.debugf("unknown supervisor frame %s", type);
            }
        }

        void awaitAttached() {
            try {
                started.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not attach to the sandbox: " + e.getMessage(), e);
            }
        }

        boolean await(long millis) {
            try {
                return awaitCompletion(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        String supervisorErrors() {
            return supervisorErrors.isEmpty() ? "" : ": " + supervisorErrors.toString().strip();
        }
    }

    /** Listing used by the reaper. */
    public List<com.github.dockerjava.api.model.Container> ownContainers() {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(ContainerLabels.filter(config.instance(), ContainerLabels.KIND_EXECUTION).stream()
                        .collect(java.util.stream.Collectors.toMap(f -> f.substring(0, f.indexOf('=')),
                                f -> f.substring(f.indexOf('=') + 1))))
                .exec();
    }
}
