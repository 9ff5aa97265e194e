package dev.playground.session.service;

import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.session.SessionState;
import dev.playground.session.config.SessionConfig;
import dev.playground.session.docker.SessionContainers;
import dev.playground.session.domain.SessionRecord;
import dev.playground.session.domain.SessionRepository;
import dev.playground.session.domain.SessionRepository.PoolCount;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Sessions made ahead of demand, so that {@code POST /sessions} of a common template costs a few database statements
 * and no container start. A pooled session is an ordinary session record owned by nobody ({@link SessionRecord#POOLED}),
 * RUNNING on its own new container and empty workspace volume, with the template's default limits. A new session that
 * fits one takes it inside its creating transaction ({@link SessionRepository#takePooled}, {@code skip locked}) and
 * becomes that record: its owner, ports and idle timeout are written over it, and its container and volume serve
 * exactly this session. Nothing is reused: a session's deletion removes them like any other.
 *
 * <p>Because pooled sessions are records, what keeps records and Docker in agreement keeps them too: the reconciler
 * removes containers and volumes no live record names, and moves a pooled record whose container died. Several
 * instances share the pools through the database; topping up holds an advisory lock, so they never overfill one.
 */
@ApplicationScoped
public class SessionPool {
    private static final Logger LOG = Logger.getLogger(SessionPool.class);

    private final SessionRepository sessions;
    private final SessionContainers containers;
    private final SandboxHosts hosts;
    private final SessionConfig config;
    private final Vertx vertx;
    private final MeterRegistry metrics;
    private final Map<String, AtomicLong> sizes = new ConcurrentHashMap<>();
    private final AtomicBoolean keeping = new AtomicBoolean();

    SessionPool(SessionRepository sessions, SessionContainers containers, SandboxHosts hosts, SessionConfig config,
                Vertx vertx, MeterRegistry metrics) {
        this.sessions = sessions;
        this.containers = containers;
        this.hosts = hosts;
        this.config = config;
        this.vertx = vertx;
        this.metrics = metrics;
    }

    /** The images whose sessions are pooled. */
    Set<String> images() {
        var pool = config.session().pool();
        Set<String> images = new TreeSet<>();
        if (pool.size() > 0) {
            pool.templates().stream().map(t -> config.session().images().get(t.trim()))
                    .filter(i -> i != null).forEach(images::add);
        }
        return images;
    }

    /**
     * Within the caller's transaction, which holds the owner's lock: a ready pooled session on {@code wanted}'s host
     * that fits it (same image and limits), made {@code wanted}'s (owner, template, ports, idle timeout, STARTING);
     * null when none fits, and {@code wanted} starts its own container.
     */
    Uni<SessionRecord> take(SessionRecord wanted) {
        if (!images().contains(wanted.image)) {
            return Uni.createFrom().nullItem();
        }
        Instant fresh = Instant.now().minus(config.session().pool().maxAge());
        return sessions.takePooled(wanted.host, wanted.image, wanted.memoryMb, wanted.cpus, wanted.pids,
                wanted.diskMb, fresh).map(pooled -> {
            metrics.counter(pooled == null ? "playground.session.pool.misses" : "playground.session.pool.hits",
                    "host", wanted.host, "image", wanted.image).increment();
            if (pooled == null) {
                return null;
            }
            pooled.owner = wanted.owner;
            pooled.template = wanted.template;
            pooled.ports = wanted.ports;
            pooled.idleTimeoutSeconds = wanted.idleTimeoutSeconds;
            pooled.createdAt = wanted.createdAt;
            pooled.lastActiveAt = wanted.createdAt;
            // STARTING: the launch checks that the container still runs (else it makes one on the volume), then RUNNING
            pooled.state = SessionState.STARTING;
            return pooled;
        });
    }

    /** Tops the pools up soon, on a context of its own (not the request's, whose database session is closing). */
    void refillSoon() {
        var context = VertxContext.createNewDuplicatedContext(vertx.getDelegate().getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true); // Panache runs only on a context of its own
        context.runOnContext(x -> keep().subscribe().with(y -> { }, e -> LOG.warnf("session pool: %s", e.getMessage())));
    }

    @Scheduled(every = "${playground.session.pool.interval:5s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> keep() {
        if (images().isEmpty() || !keeping.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(this::replaceOld).chain(this::topUp)
                .onFailure().invoke(e -> LOG.warnf("session pool pass failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .eventually(() -> keeping.set(false)).replaceWithVoid();
    }

    /** Forgets pooled sessions that are too old, stopped, lost or never finished, and removes what they had. */
    private Uni<Void> replaceOld() {
        Instant now = Instant.now();
        return Panache.withSession(() -> sessions.pooledToReplace(now.minus(config.session().pool().maxAge()),
                        now.minus(config.session().startingGrace())))
                .flatMap(old -> Multi.createFrom().iterable(old).onItem().transformToUniAndConcatenate(s ->
                        Panache.withTransaction(() -> sessions.forgetPooled(s.id, s.state)).flatMap(gone -> !gone
                                ? Uni.createFrom().voidItem()
                                : blocking(() -> {
                                    LOG.infof("pooled session %s (%s on %s, %s): replaced", s.id, s.image, s.host,
                                            s.state);
                                    containers.removeAll(s);
                                    return null;
                                })).onFailure().invoke(e -> LOG.infof("pooled session %s: left for the reconciler: %s",
                                s.id, e.getMessage())).onFailure().recoverWithNull()).collect().asList())
                .replaceWithVoid();
    }

    /** Makes the pooled sessions missing on every host that answers, one at a time. */
    private Uni<Void> topUp() {
        List<String[]> wanted = hosts.upHosts().stream()
                .flatMap(h -> images().stream().map(i -> new String[] {h, i})).toList();
        return Multi.createFrom().iterable(wanted).onItem().transformToUniAndConcatenate(hi -> fill(hi[0], hi[1]))
                .collect().asList().replaceWithVoid();
    }

    /** Makes pooled sessions on {@code host} for {@code image} until there are as many as configured. */
    private Uni<Void> fill(String host, String image) {
        return Panache.withTransaction(() -> sessions.lockOwner(SessionRecord.POOLED)
                        .chain(sessions::countPooled)
                        .chain(counts -> {
                            long have = counts.stream().filter(c -> c.host().equals(host) && c.image().equals(image))
                                    .mapToLong(PoolCount::sessions).findFirst().orElse(0);
                            gauge(host, image).set(have);
                            if (have >= config.session().pool().size()) {
                                return Uni.createFrom().nullItem();
                            }
                            SessionRecord s = newPooled(host, image);
                            return sessions.persist(s);
                        }))
                .flatMap(s -> s == null ? Uni.createFrom().voidItem() : make(s).chain(() -> fill(host, image)));
    }

    /** Creates and starts a pooled record's container, then marks it RUNNING (ready); failures leave it for {@link #replaceOld}. */
    private Uni<Void> make(SessionRecord s) {
        Timer.Sample sample = Timer.start(metrics);
        return blocking(() -> {
            String id = containers.create(s);
            containers.start(s.host, id);
            return id;
        }).flatMap(id -> Panache.withTransaction(() -> sessions.markRunning(s.id, id, Instant.now())))
                .invoke(ready -> sample.stop(metrics.timer("playground.session.pool.refill", "image", s.image)))
                .onFailure().invoke(e -> LOG.warnf("pooled session %s on %s: not made: %s", s.id, s.host, e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private SessionRecord newPooled(String host, String image) {
        var c = config.session();
        String template = c.pool().templates().stream().map(String::trim)
                .filter(t -> image.equals(c.images().get(t))).findFirst().orElse(image);
        SessionRecord s = SessionService.starting(SessionRecord.POOLED, template, image, List.of(), c.defaultMemoryMb(),
                c.defaultCpus(), c.defaultPids(), c.defaultDiskMb(), (int) c.defaultIdleTimeout().toSeconds());
        s.host = host;
        return s;
    }

    private AtomicLong gauge(String host, String image) {
        return sizes.computeIfAbsent(host + "\n" + image, k -> metrics.gauge("playground.session.pool.size",
                List.of(io.micrometer.core.instrument.Tag.of("host", host),
                        io.micrometer.core.instrument.Tag.of("image", image)), new AtomicLong()));
    }

    private <T> Uni<T> blocking(java.util.function.Supplier<T> work) {
        return vertx.executeBlocking(Uni.createFrom().item(work), false);
    }
}
