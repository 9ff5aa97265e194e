package dev.playground.executor.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.playground.contract.sandbox.SandboxConfig;
import dev.playground.contract.sandbox.SandboxSpec;
import dev.playground.contract.sandbox.SandboxUser;
import dev.playground.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Makes execution sandboxes, cold (for one run) and warm (for the pool) alike: one hardened spec, the supervisor as
 * the container's command, no network, no log driver, stdin open for the setup frames.
 */
@ApplicationScoped
public class SandboxFactory {

    private static final Logger LOG = Logger.getLogger(SandboxFactory.class);
    private static final long MB = 1024L * 1024L;

    private final ExecutorConfig config;
    private final SandboxUser user;
    private final String runtime;
    private final boolean gvisor;
    private final String supervisor;

    @Inject
    public SandboxFactory(ExecutorConfig config, SandboxConfig sandbox) {
        this.config = config;
        this.user = sandbox.sandboxUser();
        this.runtime = sandbox.runtime().orElse(null);
        this.gvisor = SandboxSpec.of(user, 1, 1, 1, 1).withRuntime(runtime).gvisor();
        try (InputStream in = SandboxFactory.class.getResourceAsStream("/supervisor.pl")) {
            this.supervisor = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True under gVisor, whose {@code runsc} cannot change a running sandbox's limits. */
    boolean gvisor() {
        return gvisor;
    }

    SandboxUser user() {
        return user;
    }

    /** The supervisor's source, run as {@code perl -e}. */
    String supervisor() {
        return supervisor;
    }

    /** The hardened container spec of an execution sandbox with this memory (MB) and process limit. */
    SandboxSpec spec(long memoryMb, long pids) {
        long workspace = config.workspaceMb() * MB;
        return SandboxSpec.of(user, memoryMb * MB, config.cpus(), pids, config.fileSizeMb() * MB)
                .withOpenFiles(config.openFiles())
                .withOwnedTmpfs("/workspace", workspace, true)
                .withTmpfs("/tmp", workspace, true)
                .withRuntime(runtime);
    }

    /** Creates (does not start) a sandbox whose supervisor waits on stdin for its setup frames; returns its id. */
    String create(DockerClient docker, String image, SandboxSpec spec, String name, Map<String, String> labels) {
        var create = spec.applyTo(docker.createContainerCmd(image));
        return create
                // Output travels on the attach stream only; a log driver would copy every byte to disk.
                .withHostConfig(create.getHostConfig().withLogConfig(new LogConfig(LogConfig.LoggingType.NONE)))
                .withName(name)
                .withCmd("perl", "-e", supervisor)
                .withWorkingDir("/workspace")
                .withEnv("HOME=/workspace", "TMPDIR=/tmp", "LANG=C.UTF-8")
                .withLabels(labels)
                .withNetworkDisabled(true)
                .withAttachStdin(true).withStdinOpen(true).withStdInOnce(true)
                .withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
    }

    /** Removes a sandbox, warm or used; one already gone is fine, one the engine keeps is the reaper's. */
    static void remove(DockerClient docker, String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone (the reaper, or a concurrent remove)
        } catch (RuntimeException e) {
            LOG.warnf("could not remove sandbox %s (the reaper will): %s", containerId, e.getMessage());
        }
    }
}
