package dev.playground.contract.sandbox;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one hardened container spec of the project (the contract's sandbox baseline): a numeric non-root user, no
 * network unless a caller explicitly names one, read-only root with size-limited tmpfs work dirs, all capabilities
 * dropped, no-new-privileges, Docker's default seccomp, pids/memory(=swap)/CPU limits, nofile and fsize ulimits,
 * never privileged, never the Docker socket or a directory above it, optionally a hardened runtime (gVisor).
 *
 * <p>Immutable: each {@code with...} returns a copy, so a shared default can be refined per container.
 * {@link #applyTo} is how a container is made from it, so no container escapes the user or the host config.
 */
public record SandboxSpec(
        SandboxUser user,
        long memoryBytes,
        long nanoCpus,
        long pidsLimit,
        long fileSizeBytes,
        long openFiles,
        Map<String, String> tmpfs,
        List<Bind> binds,
        String networkMode,
        String runtime) {

    /**
     * Host threads gVisor's sentry may need besides the sandbox's own processes: under gVisor the host's pids cgroup
     * holds the sentry too, so the sandbox's process limit is enforced inside it instead (RLIMIT_NPROC, which gVisor
     * counts per sandbox; on runc it would count every sandbox of the same uid on the host).
     */
    static final long SENTRY_THREADS = 512;
    /**
     * Memory gVisor's sentry (its user-space kernel) needs beside the program: the host's memory cgroup holds both, so
     * a sandbox under gVisor gets this much more than its program's limit, or the sentry alone would use it up.
     */
    static final long SENTRY_MEMORY = 64L << 20;

    /** Host paths of the engine's sockets: never mounted, nor any directory above them. */
    private static final List<Path> ENGINE_SOCKETS = List.of(Path.of("/var/run/docker.sock"),
            Path.of("/run/docker.sock"), Path.of("/run/containerd/containerd.sock"),
            Path.of("/var/run/containerd/containerd.sock"));

    public SandboxSpec {
        Objects.requireNonNull(user, "user");
        if (memoryBytes <= 0 || nanoCpus <= 0 || pidsLimit <= 0 || fileSizeBytes <= 0 || openFiles <= 0) {
            throw new IllegalArgumentException("sandbox limits must be positive");
        }
        tmpfs = Map.copyOf(tmpfs);
        binds = List.copyOf(binds);
        Objects.requireNonNull(networkMode, "networkMode");
        if (networkMode.equals("host") || networkMode.startsWith("container:")) {
            throw new IllegalArgumentException("a sandbox never shares the host's or another container's network");
        }
        for (Bind bind : binds) {
            refuseEngineSocket(bind.getPath());
        }
        runtime = runtime == null || runtime.isBlank() ? null : runtime;
    }

    /** A spec for {@code user} with the given limits, no network, no mounts, no tmpfs, the engine's default runtime. */
    public static SandboxSpec of(SandboxUser user, long memoryBytes, double cpus, long pidsLimit, long fileSizeBytes) {
        return new SandboxSpec(user, memoryBytes, Math.round(cpus * 1_000_000_000L), pidsLimit, fileSizeBytes, 256,
                Map.of(), List.of(), "none", null);
    }

    /** Refuses the engine's socket, and any directory that holds it (a bind of /var/run or / would expose it too). */
    static void refuseEngineSocket(String hostPath) {
        if (hostPath == null || !hostPath.startsWith("/")) {
            return; // a named volume
        }
        Path path = Path.of(hostPath).normalize();
        for (Path socket : ENGINE_SOCKETS) {
            if (socket.startsWith(path) || hostPath.contains("docker.sock")) {
                throw new IllegalArgumentException("the Docker socket is never mounted into a sandbox, nor a directory"
                        + " above it: " + hostPath);
            }
        }
    }

    /** Adds a size-limited tmpfs at {@code path}, writable by every user and never setuid. */
    public SandboxSpec withTmpfs(String path, long sizeBytes, boolean exec) {
        return withTmpfsOptions(path, "rw,nosuid,nodev," + (exec ? "exec," : "noexec,") + "size=" + sizeBytes
                + ",mode=1777");
    }

    /**
     * Adds a size-limited tmpfs at {@code path} owned by the spec's user, mode 0700. Docker ignores {@code mode} on
     * a tmpfs mounted over the image's WORKDIR (it comes up root-owned 0755), so ownership is how the sandbox user
     * gets a writable work dir there.
     */
    public SandboxSpec withOwnedTmpfs(String path, long sizeBytes, boolean exec) {
        return withTmpfsOptions(path, "rw,nosuid,nodev," + (exec ? "exec," : "noexec,") + "size=" + sizeBytes
                + ",mode=0700,uid=" + user.uid() + ",gid=" + user.gid());
    }

    private SandboxSpec withTmpfsOptions(String path, String options) {
        Map<String, String> next = new LinkedHashMap<>(tmpfs);
        next.put(path, options);
        return new SandboxSpec(user, memoryBytes, nanoCpus, pidsLimit, fileSizeBytes, openFiles, next, binds,
                networkMode, runtime);
    }

    /** Adds a mount (a workspace volume, a read-only input). */
    public SandboxSpec withBind(Bind bind) {
        List<Bind> next = new ArrayList<>(binds);
        next.add(bind);
        return new SandboxSpec(user, memoryBytes, nanoCpus, pidsLimit, fileSizeBytes, openFiles, tmpfs, next,
                networkMode, runtime);
    }

    /**
     * Joins a named network. Only the package download helper does this, which runs no code or config of a user
     * (its one way out is the allow-list egress proxy); every container that runs user code keeps "none".
     */
    public SandboxSpec withNetwork(String network) {
        return new SandboxSpec(user, memoryBytes, nanoCpus, pidsLimit, fileSizeBytes, openFiles, tmpfs, binds,
                network, runtime);
    }

    public SandboxSpec withOpenFiles(long limit) {
        return new SandboxSpec(user, memoryBytes, nanoCpus, pidsLimit, fileSizeBytes, limit, tmpfs, binds,
                networkMode, runtime);
    }

    /** Runs under the named OCI runtime (e.g. gVisor's {@code runsc}); null or blank is the engine's default. */
    public SandboxSpec withRuntime(String name) {
        return new SandboxSpec(user, memoryBytes, nanoCpus, pidsLimit, fileSizeBytes, openFiles, tmpfs, binds,
                networkMode, name);
    }

    /** Makes {@code create} this sandbox: its user and its host config. */
    public CreateContainerCmd applyTo(CreateContainerCmd create) {
        return create.withUser(user.spec()).withHostConfig(toHostConfig());
    }

    /** The same sandbox with another memory limit (a compile step's sandbox shrunk for the run). */
    public SandboxSpec withMemory(long bytes) {
        return new SandboxSpec(user, bytes, nanoCpus, pidsLimit, fileSizeBytes, openFiles, tmpfs, binds, networkMode,
                runtime);
    }

    /** The memory (and memory+swap) the container's cgroup gets: the limit, and under gVisor its sentry's share. */
    public long cgroupMemoryBytes() {
        return gvisor() ? memoryBytes + SENTRY_MEMORY : memoryBytes;
    }

    /** True when the runtime is gVisor's ({@code runsc}, or a name registered after it such as {@code runsc-kvm}). */
    public boolean gvisor() {
        return runtime != null && runtime.startsWith("runsc");
    }

    /** The docker-java HostConfig for this spec (the user is set by {@link #applyTo}). */
    public HostConfig toHostConfig() {
        List<Ulimit> ulimits = new ArrayList<>(List.of(
                new Ulimit("nofile", openFiles, openFiles),
                new Ulimit("fsize", fileSizeBytes, fileSizeBytes),
                new Ulimit("core", 0L, 0L)));
        if (gvisor()) {
            ulimits.add(new Ulimit("nproc", pidsLimit, pidsLimit));
        }
        HostConfig config = HostConfig.newHostConfig()
                .withNetworkMode(networkMode)
                .withReadonlyRootfs(true)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPrivileged(false)
                .withPidsLimit(gvisor() ? pidsLimit + SENTRY_THREADS : pidsLimit)
                .withMemory(cgroupMemoryBytes())
                .withMemorySwap(cgroupMemoryBytes())
                .withMemorySwappiness(0L)
                .withOomKillDisable(false)
                .withNanoCPUs(nanoCpus)
                .withTmpFs(tmpfs)
                .withBinds(binds)
                .withUlimits(ulimits)
                .withIpcMode("private");
        return runtime == null ? config : config.withRuntime(runtime);
    }
}
