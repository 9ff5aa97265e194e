package dev.playground.contract.sandbox;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one hardened container spec of the project (the contract's sandbox baseline): non-root, no network
 * unless a caller explicitly names one, read-only root with size-limited tmpfs work dirs, all capabilities
 * dropped, no-new-privileges, Docker's default seccomp, pids/memory(=swap)/CPU limits, nofile and fsize
 * ulimits, never privileged, never the Docker socket.
 *
 * <p>Immutable: each {@code with...} returns a copy, so a shared default can be refined per container.
 */
public record SandboxSpec(
        long memoryBytes,
        long nanoCpus,
        long pidsLimit,
        long fileSizeBytes,
        long openFiles,
        Map<String, String> tmpfs,
        List<Bind> binds,
        String networkMode) {

    /** The user every sandbox runs as unless an image names its own non-root user. */
    public static final String NOBODY = "65534:65534";

    public SandboxSpec {
        if (memoryBytes <= 0 || nanoCpus <= 0 || pidsLimit <= 0 || fileSizeBytes <= 0 || openFiles <= 0) {
            throw new IllegalArgumentException("sandbox limits must be positive");
        }
        tmpfs = Map.copyOf(tmpfs);
        binds = List.copyOf(binds);
        Objects.requireNonNull(networkMode, "networkMode");
        for (Bind bind : binds) {
            if (bind.getPath().contains("docker.sock")) {
                throw new IllegalArgumentException("the Docker socket is never mounted into a sandbox");
            }
        }
    }

    /** A spec with the given limits, no network, no mounts and no tmpfs yet. */
    public static SandboxSpec of(long memoryBytes, double cpus, long pidsLimit, long fileSizeBytes) {
        return new SandboxSpec(memoryBytes, Math.round(cpus * 1_000_000_000L), pidsLimit, fileSizeBytes, 256,
                Map.of(), List.of(), "none");
    }

    /** Adds a size-limited tmpfs at {@code path}, writable by the sandbox user and never executable-setuid. */
    public SandboxSpec withTmpfs(String path, long sizeBytes, boolean exec) {
        Map<String, String> next = new LinkedHashMap<>(tmpfs);
        next.put(path, "rw,nosuid,nodev," + (exec ? "exec," : "noexec,") + "size=" + sizeBytes + ",mode=1777");
        return new SandboxSpec(memoryBytes, nanoCpus, pidsLimit, fileSizeBytes, openFiles, next, binds, networkMode);
    }

    /**
     * Adds a size-limited tmpfs at {@code path} owned by {@code uid:gid}, mode 0700. Docker ignores {@code mode}
     * on a tmpfs mounted over the image's WORKDIR (it comes up root-owned 0755), so ownership is how the
     * sandbox user gets a writable work dir there.
     */
    public SandboxSpec withTmpfs(String path, long sizeBytes, boolean exec, int uid, int gid) {
        Map<String, String> next = new LinkedHashMap<>(tmpfs);
        next.put(path, "rw,nosuid,nodev," + (exec ? "exec," : "noexec,") + "size=" + sizeBytes + ",mode=0700,uid="
                + uid + ",gid=" + gid);
        return new SandboxSpec(memoryBytes, nanoCpus, pidsLimit, fileSizeBytes, openFiles, next, binds, networkMode);
    }

    /** Adds a mount (a workspace volume, a read-only input). */
    public SandboxSpec withBind(Bind bind) {
        List<Bind> next = new ArrayList<>(binds);
        next.add(bind);
        return new SandboxSpec(memoryBytes, nanoCpus, pidsLimit, fileSizeBytes, openFiles, tmpfs, next, networkMode);
    }

    /**
     * Joins a named network. Only package-install helpers do this, and never the network where PostgreSQL
     * and Kafka live; every sandbox that runs user code keeps "none".
     */
    public SandboxSpec withNetwork(String network) {
        return new SandboxSpec(memoryBytes, nanoCpus, pidsLimit, fileSizeBytes, openFiles, tmpfs, binds, network);
    }

    public SandboxSpec withOpenFiles(long limit) {
        return new SandboxSpec(memoryBytes, nanoCpus, pidsLimit, fileSizeBytes, limit, tmpfs, binds, networkMode);
    }

    /** The docker-java HostConfig for this spec. */
    public HostConfig toHostConfig() {
        return HostConfig.newHostConfig()
                .withNetworkMode(networkMode)
                .withReadonlyRootfs(true)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPrivileged(false)
                .withPidsLimit(pidsLimit)
                .withMemory(memoryBytes)
                .withMemorySwap(memoryBytes)
                .withMemorySwappiness(0L)
                .withOomKillDisable(false)
                .withNanoCPUs(nanoCpus)
                .withTmpFs(tmpfs)
                .withBinds(binds)
                .withUlimits(List.of(
                        new Ulimit("nofile", openFiles, openFiles),
                        new Ulimit("fsize", fileSizeBytes, fileSizeBytes),
                        new Ulimit("core", 0L, 0L)))
                .withIpcMode("private");
    }
}
