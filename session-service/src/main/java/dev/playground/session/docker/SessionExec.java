package dev.playground.session.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Volume;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.sandbox.SandboxConfig;
import dev.playground.contract.sandbox.SandboxSpec;
import dev.playground.session.config.SessionConfig;
import dev.playground.session.domain.SessionRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a process against a session's workspace as the sandbox user: with {@code docker exec} in its running
 * container, or, for a stopped session, in a one-off container of its image with the workspace volume mounted
 * read-only (no network, hardened like the session, removed afterwards). Everything the service does to a workspace
 * goes through here, so no host-side code ever resolves a path the user controls (Judge0 CVE-2024-28185/28189).
 *
 * <p>stdin, when given, must be consumed by a reader that knows its length ({@code head -c N}): docker-java
 * never forwards the end of a non-TTY exec's stdin (see shared/ENVIRONMENT.md).
 */
@ApplicationScoped
public class SessionExec {

    private static final long MB = 1024L * 1024L;

    /** Where an operation runs. */
    public sealed interface Where permits InContainer, OnVolume {
    }

    /** In the session's running container. */
    public record InContainer(String host, String containerId) implements Where {
        /** The running container of {@code s}, on its host. */
        public static InContainer of(SessionRecord s) {
            return new InContainer(s.host, s.containerId);
        }
    }

    /** On a stopped session's workspace volume, read-only. */
    public record OnVolume(SessionRecord session) implements Where {
    }

    /** What one run gave back. */
    public record Outcome(int exitCode, byte[] stdout, byte[] stderr, boolean stdoutTruncated,
                          boolean stderrTruncated, boolean finished) {
        public String stderrText() {
            return new String(stderr, java.nio.charset.StandardCharsets.UTF_8).trim();
        }
    }

    private final SandboxHosts hosts;
    private final SessionConfig config;
    private final SandboxConfig sandbox;
    private final SessionContainers containers;

    SessionExec(SandboxHosts hosts, SessionConfig config, SandboxConfig sandbox, SessionContainers containers) {
        this.hosts = hosts;
        this.config = config;
        this.sandbox = sandbox;
        this.containers = containers;
    }

    /** Runs {@code argv} in the session's running container, keeping at most {@code maxOutput} bytes of each stream. */
    public Outcome runIn(InContainer container, List<String> argv, byte[] stdin, int maxOutput, Duration wait) {
        return run((Where) container, argv, stdin == null ? null : new ByteArrayInputStream(stdin),
                maxOutput, wait);
    }

    /** Runs {@code argv} where given, keeping at most {@code maxOutput} bytes of each stream. */
    public Outcome run(Where where, List<String> argv, InputStream stdin, int maxOutput, Duration wait) {
        var out = new Capped(maxOutput);
        var err = new Capped(maxOutput);
        return finish(out, err, stream(where, argv, stdin, out, err, wait));
    }

    /** Runs {@code argv} where given with stdout written to {@code sink} (archives); stderr is kept up to 64 KB. */
    public Outcome runTo(Where where, List<String> argv, OutputStream sink, Duration wait) {
        var err = new Capped(65536);
        return finish(new Capped(0), err, stream(where, argv, null, sink, err, wait));
    }

    /** How a run ended: whether within its time, and its exit code (-1 when not). */
    public record Ended(boolean finished, int exitCode) {
    }

    private static Outcome finish(Capped out, Capped err, Ended ended) {
        return new Outcome(ended.exitCode(), out.bytes(), err.bytes(), out.truncated, err.truncated, ended.finished());
    }

    private Ended stream(Where where, List<String> argv, InputStream stdin, OutputStream out, OutputStream err,
                         Duration wait) {
        return switch (where) {
            case InContainer c -> exec(c, argv, stdin, out, err, wait);
            case OnVolume v -> {
                if (stdin != null) {
                    throw new IllegalArgumentException("a stopped session's workspace is read-only");
                }
                yield readOnVolume(v.session(), argv, out, err, wait);
            }
        };
    }

    private Ended exec(InContainer container, List<String> argv, InputStream stdin, OutputStream out, OutputStream err,
                       Duration wait) {
        DockerClient docker = hosts.reachable(container.host());
        var create = sandbox.sandboxUser().exec(docker, container.containerId())
                .withCmd(argv.toArray(String[]::new))
                .withWorkingDir(config.session().workdir())
                .withEnv(List.of("HOME=" + config.session().workdir()))
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withAttachStdin(stdin != null);
        String execId;
        try {
            execId = create.exec().getId();
        } catch (ConflictException | NotFoundException e) {
            // stopped or removed behind our back (daemon restart, docker rm): the reconciler will mark the record
            throw ApiProblem.conflict("The session's container is not running any more; start the session again.");
        }
        var start = docker.execStartCmd(execId);
        if (stdin != null) {
            start.withStdIn(stdin);
        }
        Demux demux = start.exec(new Demux(out, err));
        boolean finished = demux.await(wait);
        Long code = finished ? docker.inspectExecCmd(execId).exec().getExitCodeLong() : null;
        return new Ended(finished, code == null ? -1 : code.intValue());
    }

    /** A stopped session's workspace, read in a one-off container of its image: read-only, no network, removed after. */
    private Ended readOnVolume(SessionRecord s, List<String> argv, OutputStream out, OutputStream err, Duration wait) {
        DockerClient docker = hosts.reachable(s.host);
        String workdir = config.session().workdir();
        SandboxSpec spec = SandboxSpec.of(sandbox.sandboxUser(), 256 * MB, 0.5, 64, 64 * MB)
                .withTmpfs("/tmp", 16 * MB, false)
                .withBind(new Bind(s.volumeName, new Volume(workdir), AccessMode.ro))
                .withRuntime(sandbox.runtime().orElse(null));
        var create = spec.applyTo(docker.createContainerCmd(s.image));
        create.withHostConfig(create.getHostConfig().withLogConfig(new LogConfig(LogConfig.LoggingType.NONE)))
                .withLabels(containers.helperLabels(s, SessionContainers.ROLE_READER, wait))
                .withWorkingDir(workdir)
                .withEnv("HOME=" + workdir)
                .withEntrypoint(List.of())
                .withCmd(argv);
        return runOnce(docker, create, out, err, wait);
    }

    /**
     * Runs a helper container to its end: created, attached, started, waited for and removed, whatever happens. Its
     * stdout goes to {@code out} and its stderr to {@code err} (an OutputStream that throws stops the run there).
     * {@code docker} is the engine {@code create} was made by.
     */
    public Ended runOnce(DockerClient docker, CreateContainerCmd create, OutputStream out, OutputStream err, Duration wait) {
        String id = create.withAttachStdout(true).withAttachStderr(true).exec().getId();
        try {
            Demux demux = docker.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                    .exec(new Demux(out, err));
            demux.awaitAttached();
            docker.startContainerCmd(id).exec();
            if (!demux.await(wait)) {
                return new Ended(false, -1);
            }
            Integer code = docker.waitContainerCmd(id).start().awaitStatusCode(30, TimeUnit.SECONDS);
            return new Ended(true, code == null ? -1 : code);
        } finally {
            try {
                docker.removeContainerCmd(id).withForce(true).exec();
            } catch (NotFoundException e) {
                // gone already
            }
        }
    }

    /** Splits Docker's stream into stdout and stderr; a sink that fails ends the stream. */
    private static final class Demux extends ResultCallback.Adapter<Frame> {
        private final OutputStream out;
        private final OutputStream err;
        private final CompletableFuture<Void> attached = new CompletableFuture<>();
        private volatile IOException failure;

        Demux(OutputStream out, OutputStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onStart(Closeable stream) {
            super.onStart(stream);
            attached.complete(null);
        }

        @Override
        public void onError(Throwable throwable) {
            attached.completeExceptionally(throwable);
            super.onError(throwable);
        }

        @Override
        public void onNext(Frame frame) {
            if (failure != null) {
                return;
            }
            try {
                switch (frame.getStreamType()) {
                    case STDERR -> err.write(frame.getPayload());
                    default -> out.write(frame.getPayload());
                }
            } catch (IOException e) {
                failure = e;
                try {
                    close();
                } catch (IOException ignored) {
                    // closing a broken stream
                }
            }
        }

        void awaitAttached() {
            try {
                attached.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not attach to a helper container: " + e.getMessage(), e);
            }
        }

        /** True when the stream ended within {@code wait}; a sink's failure is thrown. */
        boolean await(Duration wait) {
            boolean finished;
            try {
                finished = awaitCompletion(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            }
            try {
                close();
            } catch (IOException ignored) {
                // over either way
            }
            if (failure != null) {
                throw new UncheckedIOException(failure);
            }
            return finished;
        }
    }

    /** Keeps the first {@code limit} bytes and remembers that more came. */
    static final class Capped extends OutputStream {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final int limit;
        boolean truncated;

        Capped(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int room = limit - buffer.size();
            if (len > room) {
                truncated = true;
            }
            buffer.write(b, off, Math.max(0, Math.min(len, room)));
        }

        byte[] bytes() {
            return buffer.toByteArray();
        }
    }
}
