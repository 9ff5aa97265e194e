package dev.playground.session.service;

import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.session.SessionEventType;
import dev.playground.session.config.SessionConfig;
import dev.playground.session.docker.SessionContainers;
import dev.playground.session.domain.SessionRecord;
import dev.playground.session.domain.SessionRepository;
import dev.playground.contract.session.SessionState;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The session lifecycle. The record moves first (a conditional update, so of two racing requests exactly one
 * wins), then Docker follows; whatever Docker fails to do, the reconciler finishes. A record exists before its
 * container and volume do, so the reconciler never mistakes a session being created for an orphan.
 */
@ApplicationScoped
public class SessionService {
    private static final Logger LOG = Logger.getLogger(SessionService.class);

    /** What a create request asks for; nulls take the configured defaults. */
    public record CreateCommand(String template, List<Integer> ports, Integer memoryMb, Double cpus, Integer pids,
                                Integer diskMb, Integer idleTimeoutMinutes) {
    }

    private final SessionRepository sessions;
    private final SessionContainers containers;
    private final SessionEvents events;
    private final SessionConfig config;
    private final Placement placement;
    private final SessionPool pool;
    private final Vertx vertx;

    SessionService(SessionRepository sessions, SessionContainers containers, SessionEvents events,
                   SessionConfig config, Placement placement, SessionPool pool, Vertx vertx) {
        this.placement = placement;
        this.pool = pool;
        this.sessions = sessions;
        this.containers = containers;
        this.events = events;
        this.config = config;
        this.vertx = vertx;
    }

    /** Runs Docker work on a worker thread and comes back on the caller's Vert.x context (Hibernate Reactive needs it). */
    public <T> Uni<T> blocking(Supplier<T> work) {
        return vertx.executeBlocking(Uni.createFrom().item(work), false);
    }

    public Uni<SessionRecord> owned(String id, String owner) {
        return Panache.withSession(() -> sessions.findOwned(id, owner))
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("Session", id));
    }

    /** An owned session in a state that allows {@code what}; touched, since using a session is activity. */
    public Uni<SessionRecord> usable(String id, String owner, Set<SessionState> allowed, String what) {
        return owned(id, owner).call(s -> {
            if (s.state == SessionState.LOST) {
                return Uni.createFrom().failure(lost(s));
            }
            if (!allowed.contains(s.state)) {
                return Uni.createFrom().failure(ApiProblem.of(ProblemType.SESSION_NOT_RUNNING, "Session " + id + " is "
                        + s.state + "; " + what
                        + " needs it " + allowed.stream().map(Enum::name).reduce((a, b) -> a + " or " + b).orElse("")
                        + (s.state == SessionState.STOPPED || s.state == SessionState.EXPIRED
                        ? ". Start it with POST /api/v1/sessions/" + id + "/start." : ".")));
            }
            return touch(id);
        });
    }

    /** The answer to anything a LOST session is asked to do: its host does not answer. */
    public static ApiProblem lost(SessionRecord s) {
        return ApiProblem.of(ProblemType.HOST_UNAVAILABLE, "Session " + s.id + " is LOST: its sandbox host " + s.host
                + " does not answer. Its workspace waits there; the session comes back when the host does.")
                .retryAfter(10);
    }

    public Uni<Void> touch(String id) {
        return Panache.withTransaction(() -> sessions.touch(id, Instant.now())).replaceWithVoid();
    }

    public Uni<List<SessionRecord>> list(String owner) {
        return Panache.withSession(() -> sessions.listOwned(owner));
    }

    /**
     * A new session: a pooled one that fits it when its host has one (its container already runs), else a record of
     * its own whose container is created and started now.
     */
    public Uni<SessionRecord> create(String owner, CreateCommand cmd) {
        SessionRecord wanted = validate(owner, cmd);
        return Panache.withTransaction(() -> roomForOneMore(owner, "Stop or delete one first.")
                        .chain(sessions::loadByHost)
                        .invoke(load -> wanted.host = placement.choose(wanted.memoryMb, load))
                        .chain(() -> pool.take(wanted))
                        .chain(pooled -> pooled != null ? Uni.createFrom().item(pooled) : sessions.persist(wanted)))
                .invoke(s -> {
                    events.publish(s.id, owner, SessionEventType.CREATED);
                    if (s != wanted) {
                        pool.refillSoon();
                    }
                })
                .flatMap(s -> launch(s, SessionEventType.CREATED));
    }

    /**
     * Within the caller's transaction: fails with 429 when the owner already runs the most sessions allowed, and
     * otherwise holds the owner's lock until the transaction ends, so concurrent requests cannot both pass.
     */
    private Uni<Void> roomForOneMore(String owner, String advice) {
        int max = config.session().maxLivePerOwner();
        return sessions.lockOwner(owner).chain(() -> sessions.countLive(owner)).chain(live -> live < max
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(ApiProblem.of(ProblemType.TOO_MANY_SESSIONS, "You have " + live + " sessions running; at most " + max
                        + " may run at once. " + advice)));
    }

    public Uni<SessionRecord> start(String id, String owner) {
        return owned(id, owner).call(s -> s.state == SessionState.LOST || placement.answers(s.host)
                ? Uni.createFrom().voidItem()
                // this instance may not have seen the host come back yet (another did): ask it now
                : blocking(() -> placement.probe(s.host)).replaceWithVoid()).invoke(s -> {
            if (s.state == SessionState.LOST) {
                throw lost(s);
            }
            if (!placement.answers(s.host)) {
                throw ApiProblem.of(ProblemType.HOST_UNAVAILABLE, "Session " + id + " lives on sandbox host " + s.host
                        + ", which does not answer; its workspace waits there and the session can be started once "
                        + "the host is back.");
            }
        }).flatMap(s -> Panache.withTransaction(() -> roomForOneMore(owner, "Stop one first.")
                .chain(() -> sessions.transition(id, EnumSet.of(SessionState.STOPPED, SessionState.EXPIRED),
                        SessionState.STARTING, Instant.now()))).flatMap(moved -> {
            if (!moved) {
                return Uni.createFrom().failure(ApiProblem.conflict("Session " + id + " is " + s.state
                        + "; only a STOPPED or EXPIRED session can be started."));
            }
            return launch(s, SessionEventType.STARTED);
        }));
    }

    /** Brings a STARTING record's container up (creating it on the kept volume when it is gone) and marks it RUNNING. */
    private Uni<SessionRecord> launch(SessionRecord s, SessionEventType cause) {
        return launchOnce(s).onFailure(e -> cause == SessionEventType.CREATED && s.containerId == null
                        && SandboxHosts.isUnreachable(e))
                .recoverWithUni(e -> {
                    // A new session whose host died before anything of it existed there: placed again, once.
                    String failed = s.host;
                    placement.unreachable(failed, e);
                    return Panache.withTransaction(() -> sessions.loadByHost()
                                    .map(load -> placement.choose(s.memoryMb, load))
                                    .call(host -> sessions.movePlacement(s.id, failed, host)))
                            .invoke(host -> {
                                LOG.warnf("session %s: host %s did not answer (%s); placed on %s", s.id, failed,
                                        e.getMessage(), host);
                                s.host = host;
                            })
                            .flatMap(host -> launchOnce(s));
                })
                .onFailure().recoverWithUni(e -> stopAfterFailedLaunch(s, e));
    }

    /** The record goes back to STOPPED when its launch failed (if it is still STARTING), and the caller hears why. */
    private Uni<SessionRecord> stopAfterFailedLaunch(SessionRecord s, Throwable e) {
        LOG.errorf(e, "session %s: container did not start", s.id);
        return Panache.withTransaction(() -> sessions.transition(s.id, EnumSet.of(SessionState.STARTING),
                        SessionState.STOPPED, Instant.now()))
                .invoke(moved -> {
                    if (moved) {
                        events.publish(s.id, s.owner, SessionEventType.STOPPED);
                    }
                })
                .flatMap(x -> Uni.createFrom().failure(e instanceof ApiProblem ? e : ApiProblem.unavailable("Session "
                        + s.id + " could not be started: " + e.getMessage() + ". It is STOPPED; try starting it again.")));
    }

    private Uni<SessionRecord> launchOnce(SessionRecord s) {
        return blocking(() -> {
            String containerId = s.containerId;
            Optional<String> state = containers.state(s.host, containerId);
            if (state.isEmpty()) {
                containerId = containers.create(s);
            }
            // a pooled session's container runs already: one inspect, no start
            if (!"running".equals(state.orElse("")) && !containers.start(s.host, containerId)) {
                containerId = containers.create(s);
                containers.start(s.host, containerId);
            }
            s.containerId = containerId;
            return s;
        }).flatMap(started -> {
            Instant now = Instant.now();
            return Panache.withTransaction(() -> sessions.markRunning(s.id, started.containerId, now));
        }).flatMap(moved -> {
            if (!moved) {
                // deleted (or stopped) while starting: the newer decision wins, the container goes
                return blocking(() -> {
                    containers.stop(s.host, s.containerId);
                    return 0;
                }).flatMap(x -> Uni.createFrom().failure(ApiProblem.conflict("Session " + s.id
                        + " changed while it was starting.")));
            }
            events.publish(s.id, s.owner, SessionEventType.STARTED);
            return owned(s.id, s.owner);
        });
    }

    /**
     * Stops a RUNNING session. The container is stopped inside the transaction that marks the record, so nobody reads
     * STOPPED while the container still runs; when Docker fails the record stays RUNNING and the caller gets the error.
     */
    public Uni<SessionRecord> stop(String id, String owner) {
        return owned(id, owner).flatMap(s -> moveAndStop(s, () -> sessions.transition(id,
                        EnumSet.of(SessionState.RUNNING), SessionState.STOPPED, Instant.now()))
                .flatMap(moved -> {
                    if (!moved) {
                        return Uni.createFrom().failure(ApiProblem.conflict("Session " + id + " is " + s.state
                                + "; only a RUNNING session can be stopped."));
                    }
                    events.publish(id, owner, SessionEventType.STOPPED);
                    return owned(id, owner);
                }));
    }

    /** Runs {@code move} and, when it moved the record, stops the container before the transaction commits. */
    public Uni<Boolean> moveAndStop(SessionRecord s, Supplier<Uni<Boolean>> move) {
        return Panache.withTransaction(() -> move.get().call(moved -> !moved ? Uni.createFrom().voidItem()
                : blocking(() -> {
                    containers.stop(s.host, s.containerId);
                    return null;
                })));
    }

    public Uni<Void> delete(String id, String owner) {
        return owned(id, owner).flatMap(s -> Panache.withTransaction(() -> sessions.transition(id,
                        SessionState.from(SessionState.DELETED), SessionState.DELETED, Instant.now()))
                .flatMap(moved -> {
                    if (!moved) {
                        return Uni.createFrom().failure(ApiProblem.conflict("Session " + id + " is already deleted."));
                    }
                    events.publish(id, owner, SessionEventType.DELETED);
                    return blocking(() -> {
                        containers.removeAll(s);
                        return null;
                    }).onFailure(ApiProblem.class).invoke(e -> LOG.warnf("session %s: deleted; its container and "
                            + "workspace go when host %s answers again (the reconciler): %s", id, s.host, e.getMessage()))
                            .onFailure(ApiProblem.class).recoverWithNull();
                })).replaceWithVoid();
    }

    /**
     * Idle expiry: stops a RUNNING session that is still idle (no activity since the reaper read it), inside the
     * transaction that marks it EXPIRED, as {@link #stop} does.
     */
    public Uni<Void> expire(SessionRecord s) {
        return moveAndStop(s, () -> sessions.expireIfIdleSince(s.id, s.lastActiveAt, Instant.now()))
                .invoke(moved -> {
                    if (moved) {
                        LOG.infof("session %s: idle since %s, expired", s.id, s.lastActiveAt);
                        events.publish(s.id, s.owner, SessionEventType.EXPIRED);
                    }
                }).replaceWithVoid();
    }

    /**
     * Stops a RUNNING session for a reason of the service's own (its workspace outgrew its disk limit), the container
     * inside the transaction as {@link #stop} does; the record keeps the reason until the session is started again.
     */
    public Uni<Boolean> stopFor(SessionRecord s, String reason) {
        return moveAndStop(s, () -> sessions.stopFor(s.id, reason, Instant.now()))
                .invoke(moved -> {
                    if (moved) {
                        LOG.infof("session %s: stopped: %s", s.id, reason);
                        events.publish(s.id, s.owner, SessionEventType.STOPPED);
                    }
                });
    }

    /** Retention: deletes a session stopped longer than the retention period, workspace included. */
    public Uni<Void> purge(SessionRecord s) {
        return Panache.withTransaction(() -> sessions.transition(s.id,
                        EnumSet.of(SessionState.STOPPED, SessionState.EXPIRED), SessionState.DELETED, Instant.now()))
                .flatMap(moved -> {
                    if (!moved) {
                        return Uni.createFrom().voidItem();
                    }
                    // The record moved: that is the deletion, whatever Docker does next (the reconciler may be
                    // removing the same container at this moment; what is left, it removes on its next pass).
                    events.publish(s.id, s.owner, SessionEventType.DELETED);
                    return blocking(() -> {
                        containers.removeAll(s);
                        return null;
                    }).onFailure().invoke(e -> LOG.infof("session %s: purged; Docker left for the reconciler: %s",
                            s.id, e.getMessage())).onFailure().recoverWithNull();
                }).replaceWithVoid();
    }

    private SessionRecord validate(String owner, CreateCommand cmd) {
        var c = config.session();
        if (cmd.template() == null || !c.images().containsKey(cmd.template())) {
            throw ApiProblem.invalid("template must be one of " + c.images().keySet().stream().sorted().toList()
                    + (cmd.template() == null ? "." : "; '" + cmd.template() + "' is not."));
        }
        Set<Integer> ports = new LinkedHashSet<>(cmd.ports() == null ? List.of() : cmd.ports());
        if (ports.size() > c.maxPorts()) {
            throw ApiProblem.invalid("At most " + c.maxPorts() + " preview ports per session.");
        }
        for (Integer p : ports) {
            if (p == null || p < 1 || p > 65535) {
                throw ApiProblem.invalid("Ports must be between 1 and 65535; " + p + " is not.");
            }
        }
        int memory = within("limits.memoryMb", cmd.memoryMb(), c.defaultMemoryMb(), 64, c.maxMemoryMb());
        int pids = within("limits.pids", cmd.pids(), c.defaultPids(), 16, c.maxPids());
        int disk = within("limits.diskMb", cmd.diskMb(), c.defaultDiskMb(), 16, c.maxDiskMb());
        int idle = cmd.idleTimeoutMinutes() == null ? (int) c.defaultIdleTimeout().toSeconds()
                : 60 * within("idleTimeoutMinutes", cmd.idleTimeoutMinutes(), 0, 1, (int) c.maxIdleTimeout().toMinutes());
        double cpus = cmd.cpus() == null ? c.defaultCpus() : cmd.cpus();
        if (cpus < 0.05 || cpus > c.maxCpus()) {
            throw ApiProblem.invalid("limits.cpus must be between 0.05 and " + c.maxCpus() + "; " + cpus + " is not.");
        }
        return starting(owner, cmd.template(), c.images().get(cmd.template()), List.copyOf(ports), memory, cpus, pids,
                disk, idle);
    }

    /** A new session's record, STARTING now, on a workspace volume of its own (also a pooled one's, SessionPool). */
    static SessionRecord starting(String owner, String template, String image, List<Integer> ports, int memoryMb,
                                  double cpus, int pids, int diskMb, int idleTimeoutSeconds) {
        SessionRecord s = new SessionRecord();
        s.id = UUID.randomUUID().toString();
        s.owner = owner;
        s.template = template;
        s.image = image;
        s.volumeName = SessionContainers.volumeName(s.id);
        s.state = SessionState.STARTING;
        s.ports = ports;
        s.memoryMb = memoryMb;
        s.cpus = cpus;
        s.pids = pids;
        s.diskMb = diskMb;
        s.idleTimeoutSeconds = idleTimeoutSeconds;
        s.createdAt = Instant.now();
        s.lastActiveAt = s.createdAt;
        return s;
    }

    private static int within(String name, Integer asked, int dflt, int min, int max) {
        int v = asked == null ? dflt : asked;
        if (v < min || v > max) {
            throw ApiProblem.invalid(name + " must be between " + min + " and " + max + "; " + v + " is not.");
        }
        return v;
    }
}
