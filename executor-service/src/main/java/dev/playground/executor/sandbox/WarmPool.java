package dev.playground.executor.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.executor.config.ExecutorConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Warm sandboxes: per sandbox host and runtime image, containers created and started ahead of demand, their
 * supervisor waiting on stdin for its setup frames. A run takes one ({@link #take}), uses it once and removes it: a
 * warm sandbox is never reused, so nothing of one run reaches the next. Each pool's target follows recent demand (the
 * runs of its image in {@code demand-window}) between {@code min} and {@code max}; {@link #maintain} tops it up or
 * trims it and stops as soon as runs are waiting, so refills never take the engine from queued work.
 *
 * <p>Warm sandboxes carry kind {@code pool} and this process's {@value ContainerLabels#BOOT}; the reaper removes any of an
 * earlier process (a crash leaves nothing behind after the restart), and a graceful stop removes its own.
 */
@ApplicationScoped
public class WarmPool {

    private static final Logger LOG = Logger.getLogger(WarmPool.class);
    static final String NAME_PREFIX = "playground-warm-";
    private static final long BACKOFF_NANOS = 30_000_000_000L;

    /** One warm sandbox: its container and the limits it was made with. */
    record Warm(String containerId, long memoryMb, long pids) {
    }

    private record Key(String host, String image) {
    }

    private final SandboxHosts hosts;
    private final SandboxFactory factory;
    private final ExecutorConfig config;
    private final MeterRegistry metrics;
    private final String boot = UUID.randomUUID().toString();
    private final Map<Key, Deque<Warm>> idle = new ConcurrentHashMap<>();
    /** When each image's recent runs asked for a sandbox (System.nanoTime), oldest first. */
    private final Map<String, Deque<Long>> demand = new ConcurrentHashMap<>();
    /** Until when (System.nanoTime) a pool whose last sandbox the engine refused is left alone. */
    private final Map<Key, Long> backoff = new ConcurrentHashMap<>();
    /** Released when a run ends, so the keeper refills at once rather than at its next tick. */
    private final java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
    private volatile boolean stopped;
    private int passes;

    public WarmPool(SandboxHosts hosts, SandboxFactory factory, ExecutorConfig config, MeterRegistry metrics) {
        this.hosts = hosts;
        this.factory = factory;
        this.config = config;
        this.metrics = metrics;
    }

    /** This process's boot id (on its warm sandboxes). */
    public String boot() {
        return boot;
    }

    /**
     * A warm sandbox on {@code host} for a run of {@code image} that needs this memory and process limit, if one
     * waits and can be given those limits: the process limit is also the supervisor's RLIMIT_NPROC, fixed at start,
     * and under gVisor no limit changes at all, so those differences are a miss (the run starts cold).
     */
    Optional<Warm> take(String host, String image, long memoryMb, long pids) {
        long now = System.nanoTime();
        Deque<Long> asked = demand.computeIfAbsent(image, i -> new ConcurrentLinkedDeque<>());
        asked.addLast(now);
        if (!config.pool().enabled()) {
            return Optional.empty();
        }
        Deque<Warm> waiting = idle.get(new Key(host, image));
        Warm warm = waiting == null ? null : waiting.pollFirst();
        if (warm != null && (warm.pids() != pids || (factory.gvisor() && warm.memoryMb() != memoryMb))) {
            waiting.addFirst(warm);
            warm = null;
        }
        metrics.counter(warm == null ? "playground.pool.misses" : "playground.pool.hits", "host", host, "image", image)
                .increment();
        return Optional.ofNullable(warm);
    }

    /**
     * A run that took a sandbox ended: the keeper refills now. Not at the take, where the new sandbox's start (runc's
     * work in the engine, on the same cores) would slow the very program the take is for.
     */
    void runEnded() {
        wake.release();
    }

    /** Waits until a run ended or {@code timeout} passed; true when woken by a run's end. */
    public boolean awaitTake(java.time.Duration timeout) throws InterruptedException {
        boolean woken = wake.tryAcquire(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        wake.drainPermits();
        return woken;
    }

    /** True once drained: no refill follows. */
    public boolean stopped() {
        return stopped;
    }

    /** The number of warm sandboxes an image's pool aims at: its runs in the demand window, between min and max. */
    int target(String image) {
        long since = System.nanoTime() - config.pool().demandWindow().toNanos();
        Deque<Long> asked = demand.get(image);
        int recent = 0;
        if (asked != null) {
            while (!asked.isEmpty() && asked.peekFirst() < since) {
                asked.pollFirst();
            }
            recent = asked.size();
        }
        return Math.max(config.pool().min(), Math.min(config.pool().max(), recent));
    }

    /** Warm sandboxes waiting on a host for an image. */
    public int size(String host, String image) {
        Deque<Warm> waiting = idle.get(new Key(host, image));
        return waiting == null ? 0 : waiting.size();
    }

    /**
     * Tops up or trims each image's pool on one host, one sandbox at a time, and stops as soon as {@code busy} says
     * runs are waiting for a slot. Called from one thread at a time.
     */
    public void maintain(String host, Collection<String> images, BooleanSupplier busy) {
        if (stopped || !config.pool().enabled()) {
            return;
        }
        DockerClient docker = hosts.client(host);
        if (++passes % 8 == 0) {
            dropDead(host, docker);
        }
        for (String image : images) {
            Deque<Warm> waiting = queue(host, image);
            int target = target(image);
            while (waiting.size() > target) {
                Warm extra = waiting.pollLast();
                if (extra != null) {
                    remove(docker, extra.containerId());
                }
            }
            Long until = backoff.get(new Key(host, image));
            if (until != null && until - System.nanoTime() > 0) {
                continue;
            }
            while (waiting.size() < target && !stopped) {
                if (busy.getAsBoolean()) {
                    return;
                }
                Warm made = make(host, docker, image);
                if (made == null) {
                    // A missing image or a full engine does not mend in 250 ms: try again in a while.
                    backoff.put(new Key(host, image), System.nanoTime() + BACKOFF_NANOS);
                    break;
                }
                waiting.addLast(made);
            }
        }
    }

    private Deque<Warm> queue(String host, String image) {
        return idle.computeIfAbsent(new Key(host, image), k -> {
            Deque<Warm> q = new ConcurrentLinkedDeque<>();
            metrics.gaugeCollectionSize("playground.pool.size", Tags.of("host", host, "image", image), q);
            return q;
        });
    }

    /** Creates and starts one warm sandbox; null (and nothing left behind) when the engine refused. */
    private Warm make(String host, DockerClient docker, String image) {
        long memoryMb = config.run().memoryMb();
        long pids = config.run().pids();
        Map<String, String> labels = new HashMap<>(ContainerLabels.of(config.instance(), ContainerLabels.KIND_POOL,
                UUID.randomUUID().toString(), ContainerLabels.NO_OWNER));
        labels.put(ContainerLabels.BOOT, boot);
        labels.put(ContainerLabels.POOL_IMAGE, image);
        config.replica().ifPresent(r -> labels.put(ContainerLabels.REPLICA, r));
        Timer.Sample sample = Timer.start(metrics);
        String id = null;
        try {
            id = factory.create(docker, image, factory.spec(memoryMb, pids), NAME_PREFIX + UUID.randomUUID(), labels);
            docker.startContainerCmd(id).exec();
            sample.stop(metrics.timer("playground.pool.refill", "image", image));
            return new Warm(id, memoryMb, pids);
        } catch (RuntimeException e) {
            LOG.warnf("could not warm a sandbox of %s on host %s: %s", image, host, e.getMessage());
            if (SandboxHosts.isUnreachable(e)) {
                hosts.unreachable(host, e);
            }
            if (id != null) {
                remove(docker, id);
            }
            return null;
        }
    }

    /** Forgets warm sandboxes that stopped while waiting (an engine restart, an OOM of the idle supervisor). */
    private void dropDead(String host, DockerClient docker) {
        Set<String> alive;
        try {
            alive = docker.listContainersCmd().withLabelFilter(Map.of(ContainerLabels.BOOT, boot)).exec().stream()
                    .map(Container::getId).collect(Collectors.toSet());
        } catch (RuntimeException e) {
            return;
        }
        idle.forEach((key, waiting) -> {
            if (key.host().equals(host)) {
                for (Warm w : List.copyOf(waiting)) {
                    if (!alive.contains(w.containerId()) && waiting.remove(w)) {
                        LOG.infof("warm sandbox %s of %s stopped while waiting; replacing it", w.containerId(), key.image());
                        remove(docker, w.containerId());
                    }
                }
            }
        });
    }

    /** Removes every warm sandbox this process keeps (a graceful stop); no refill follows. */
    public void drain() {
        stopped = true;
        List<Runnable> removals = new ArrayList<>();
        idle.forEach((key, waiting) -> {
            Warm w;
            while ((w = waiting.pollFirst()) != null) {
                String id = w.containerId();
                removals.add(() -> remove(hosts.client(key.host()), id));
            }
        });
        removals.parallelStream().forEach(Runnable::run);
    }

    private static void remove(DockerClient docker, String containerId) {
        SandboxFactory.remove(docker, containerId);
    }
}
