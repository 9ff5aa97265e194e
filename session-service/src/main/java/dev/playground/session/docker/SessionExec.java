package dev.playground.session.docker;

import dev.playground.contract.problem.ApiProblem;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.playground.contract.sandbox.SandboxConfig;
import dev.playground.session.config.SessionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a process inside a session container as the sandbox user. Everything the service does to a workspace goes
 * through here, so no host-side code ever resolves a path the user controls (Judge0 CVE-2024-28185/28189).
 *
 * <p>stdin, when given, must be consumed by a reader that knows its length ({@code head -c N}): docker-java
 * never forwards the end of a non-TTY exec's stdin (see shared/ENVIRONMENT.md).
 */
@ApplicationScoped
public class SessionExec {

    /** What one exec gave back. */
    public record Outcome(int exitCode, byte[] stdout, byte[] stderr, boolean stdoutTruncated,
                          boolean stderrTruncated, boolean finished) {
        public String stderrText() {
            return new String(stderr, java.nio.charset.StandardCharsets.UTF_8).trim();
        }
    }

    private final DockerClient docker;
    private final SessionConfig config;
    private final SandboxConfig sandbox;

    SessionExec(DockerClient docker, SessionConfig config, SandboxConfig sandbox) {
        this.docker = docker;
        this.config = config;
        this.sandbox = sandbox;
    }

    /** Runs {@code argv}, keeping at most {@code maxOutput} bytes of each stream. */
    public Outcome run(String containerId, List<String> argv, byte[] stdin, int maxOutput, Duration wait) {
        return runWithStdin(containerId, argv, stdin == null ? null : new ByteArrayInputStream(stdin), maxOutput, wait);
    }

    /** Runs {@code argv} with {@code stdin} streamed in, keeping at most {@code maxOutput} bytes of each stream. */
    public Outcome runWithStdin(String containerId, List<String> argv, InputStream stdin, int maxOutput,
                                Duration wait) {
        var out = new Capped(maxOutput);
        var err = new Capped(maxOutput);
        return finish(out, err, stream(containerId, argv, stdin, out, err, wait));
    }

    /** Runs {@code argv} with stdout written to {@code sink} (archives); stderr is kept up to 64 KB. */
    public Outcome runTo(String containerId, List<String> argv, OutputStream sink, Duration wait) {
        var err = new Capped(65536);
        return finish(new Capped(0), err, stream(containerId, argv, null, sink, err, wait));
    }

    private record Ended(boolean finished, int exitCode) {
    }

    private static Outcome finish(Capped out, Capped err, Ended ended) {
        return new Outcome(ended.exitCode(), out.bytes(), err.bytes(), out.truncated, err.truncated, ended.finished());
    }

    private Ended stream(String containerId, List<String> argv, InputStream stdin, OutputStream out, OutputStream err,
                           Duration wait) {
        var create = sandbox.sandboxUser().exec(docker, containerId)
                .withCmd(argv.toArray(String[]::new))
                .withWorkingDir(config.session().workdir())
                .withEnv(List.of("HOME=" + config.session().workdir()))
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withAttachStdin(stdin != null);
        String execId;
        try {
            execId = create.exec().getId();
        } catch (com.github.dockerjava.api.exception.ConflictException
                 | com.github.dockerjava.api.exception.NotFoundException e) {
            // stopped or removed behind our back (daemon restart, docker rm): the reconciler will mark the record
            throw dev.playground.contract.problem.ApiProblem.conflict("The session's container is not running any more;"
                    + " start the session again.");
        }
        var start = docker.execStartCmd(execId);
        if (stdin != null) {
            start.withStdIn(stdin);
        }
        var failure = new IOException[1];
        var callback = start.exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                try {
                    switch (frame.getStreamType()) {
                        case STDERR -> err.write(frame.getPayload());
                        default -> out.write(frame.getPayload());
                    }
                } catch (IOException e) {
                    failure[0] = e;
                    try {
                        close();
                    } catch (IOException ignored) {
                        // closing a broken stream
                    }
                }
            }
        });
        boolean finished;
        try {
            finished = callback.awaitCompletion(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        try {
            callback.close();
        } catch (IOException ignored) {
            // the exec is over either way
        }
        if (failure[0] != null) {
            throw new java.io.UncheckedIOException(failure[0]);
        }
        Long code = finished ? docker.inspectExecCmd(execId).exec().getExitCodeLong() : null;
        return new Ended(finished, code == null ? -1 : code.intValue());
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
