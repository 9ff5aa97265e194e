package dev.playground.session.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.Volume;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.sandbox.SandboxConfig;
import dev.playground.contract.sandbox.SandboxSpec;
import dev.playground.session.config.SessionConfig;
import dev.playground.session.domain.SessionRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Session containers and workspace volumes in Docker, on the sandbox host each session's record names. Blocking: call
 * from a worker thread. A call for a host that does not answer is a 503 host-unavailable.
 */
@ApplicationScoped
public class SessionContainers {
    private static final Logger LOG = Logger.getLogger(SessionContainers.class);
    private static final long MB = 1024L * 1024L;

    private final SandboxHosts hosts;
    private final SessionConfig config;
    private final SandboxConfig sandbox;

    SessionContainers(SandboxHosts hosts, SessionConfig config, SandboxConfig sandbox) {
        this.hosts = hosts;
        this.config = config;
        this.sandbox = sandbox;
    }

    public static String volumeName(String sessionId) {
        return "playground-session-" + sessionId;
    }

    /** A helper container's {@value ContainerLabels#ROLE}: a package download (PackageInstaller). */
    public static final String ROLE_DOWNLOAD = "package-download";
    /** A reader of a stopped session's workspace (SessionExec). */
    public static final String ROLE_READER = "workspace-reader";

    public Map<String, String> labels(SessionRecord s) {
        return ContainerLabels.of(config.instance(), ContainerLabels.KIND_SESSION, s.id, s.owner);
    }

    /** The labels of a helper container of {@code s} that should be gone within {@code lifetime}. */
    public Map<String, String> helperLabels(SessionRecord s, String role, java.time.Duration lifetime) {
        Map<String, String> labels = new HashMap<>(labels(s));
        labels.put(ContainerLabels.ROLE, role);
        labels.put(ContainerLabels.DEADLINE, Long.toString(java.time.Instant.now().plus(lifetime).getEpochSecond() + 1));
        return labels;
    }

    /**
     * Creates the workspace volume (if missing) and a hardened container on it; returns the container id. The
     * container has no network at all, ports or not: a preview reaches its port on the container's own loopback.
     */
    public String create(SessionRecord s) {
        DockerClient docker = hosts.reachable(s.host);
        try {
            docker.createVolumeCmd().withName(s.volumeName).withLabels(labels(s)).exec();
        } catch (ConflictException e) {
            // already there: the session is being re-created on its kept workspace
        }
        String workdir = config.session().workdir();
        SandboxSpec spec = SandboxSpec.of(sandbox.sandboxUser(), s.memoryMb * MB, s.cpus, s.pids, s.diskMb * MB)
                .withTmpfs("/tmp", config.session().tmpMb() * MB, true)
                .withBind(new Bind(s.volumeName, new Volume(workdir)))
                .withRuntime(sandbox.runtime().orElse(null));
        var create = spec.applyTo(docker.createContainerCmd(s.image));
        // No log driver: work arrives by exec, and a program writing to the init's stdout must not fill the disk.
        String id = create.withHostConfig(create.getHostConfig().withInit(true)
                        .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE)))
                .withName("playground-session-" + s.id)
                .withLabels(labels(s))
                .withWorkingDir(workdir)
                .withEnv("HOME=" + workdir)
                .withHostName("sandbox")
                // The main process only keeps the container alive; work arrives by exec.
                .withEntrypoint(List.of())
                .withCmd("sleep", "infinity")
                .exec().getId();
        LOG.infof("session %s: container %s created from %s", s.id, id, s.image);
        return id;
    }

    /** Starts the container; false when it no longer exists. */
    public boolean start(String host, String containerId) {
        DockerClient docker = hosts.reachable(host);
        try {
            docker.startContainerCmd(containerId).exec();
            return true;
        } catch (NotModifiedException e) {
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    public void stop(String host, String containerId) {
        if (containerId == null) {
            return;
        }
        DockerClient docker = hosts.reachable(host);
        try {
            docker.stopContainerCmd(containerId).withTimeout(2).exec();
        } catch (NotFoundException | NotModifiedException e) {
            // already gone or stopped: the goal is reached
        }
    }

    public void removeContainer(String host, String containerId) {
        DockerClient docker = hosts.reachable(host);
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(false).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (ConflictException e) {
            LOG.debugf("container %s: removal already in progress", containerId);
        }
    }

    public void removeVolume(String host, String volumeName) {
        DockerClient docker = hosts.reachable(host);
        try {
            docker.removeVolumeCmd(volumeName).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (ConflictException e) {
            // still in use by a container being removed right now (the reconciler's pass, say): its next pass
            // finds the volume without a live record and removes it
            LOG.infof("volume %s: in use, left for the reconciler's next pass", volumeName);
        }
    }

    /** Removes a session's container(s) by label, then its volume: nothing of it stays behind. */
    public void removeAll(SessionRecord s) {
        for (Container c : sessionContainers(s.host)) {
            if (s.id.equals(c.getLabels().get(ContainerLabels.ID))) {
                removeContainer(s.host, c.getId());
            }
        }
        if (s.containerId != null) {
            removeContainer(s.host, s.containerId);
        }
        removeVolume(s.host, s.volumeName);
    }

    /** The container's state ("running", "exited", ...), or empty when it does not exist. */
    public Optional<String> state(String host, String containerId) {
        if (containerId == null) {
            return Optional.empty();
        }
        DockerClient docker = hosts.reachable(host);
        try {
            var state = docker.inspectContainerCmd(containerId).exec().getState();
            return Optional.ofNullable(state.getStatus());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    public boolean volumeExists(String host, String name) {
        DockerClient docker = hosts.reachable(host);
        try {
            docker.inspectVolumeCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Every session container of this instance on the host, running or not. */
    public List<Container> sessionContainers(String host) {
        return hosts.reachable(host).listContainersCmd().withShowAll(true)
                .withLabelFilter(labelMap()).exec();
    }

    /** Every workspace volume of this instance on the host. */
    public List<InspectVolumeResponse> sessionVolumes(String host) {
        var volumes = hosts.reachable(host).listVolumesCmd()
                .withFilter("label", ContainerLabels.filter(config.instance(), ContainerLabels.KIND_SESSION))
                .exec().getVolumes();
        return volumes == null ? List.of() : volumes;
    }

    private Map<String, String> labelMap() {
        Map<String, String> m = new HashMap<>();
        for (String f : ContainerLabels.filter(config.instance(), ContainerLabels.KIND_SESSION)) {
            int eq = f.indexOf('=');
            m.put(f.substring(0, eq), f.substring(eq + 1));
        }
        return m;
    }
}
