package dev.playground.session.service;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.session.SessionEventType;
import dev.playground.session.config.SessionConfig;
import dev.playground.session.docker.SessionContainers;
import dev.playground.session.domain.SessionRecord;
import dev.playground.session.domain.SessionRepository;
import dev.playground.contract.session.SessionState;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Brings records and Docker into agreement, host by host, at start and periodically, for this instance only; marks
 * the sessions of a host that stopped answering LOST, and reconciles them when it answers again. Docker is listed
 * BEFORE the records are read: a container or volume always has its record first, so anything listed without a
 * live record really is an orphan, never a session being created.
 */
@ApplicationScoped
public class SessionReconciler {
    private static final Logger LOG = Logger.getLogger(SessionReconciler.class);

    /** What one pass decided for a record: a state move (with the state it was seen in). */
    record Move(SessionRecord session, SessionState target, boolean containerGone, boolean stopContainer) {
        Move(SessionRecord session, SessionState target, boolean containerGone) {
            this(session, target, containerGone, false);
        }
    }

    private final SessionRepository sessions;
    private final SessionContainers containers;
    private final SessionService service;
    private final SessionEvents events;
    private final SessionConfig config;
    private final SandboxHosts hosts;

    SessionReconciler(SessionRepository sessions, SessionContainers containers, SessionService service,
                      SessionEvents events, SessionConfig config, SandboxHosts hosts) {
        this.hosts = hosts;
        this.sessions = sessions;
        this.containers = containers;
        this.service = service;
        this.events = events;
        this.config = config;
    }

    @Scheduled(every = "${playground.session.reconcile-interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return reconcile().onFailure().invoke(e -> LOG.warnf("reconcile pass failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Sandbox hosts that miss their pings for longer than {@code host-lost-after}: their sessions become LOST (one
     * pass of every instance may try, the conditional moves let one win). A host that answers again while some of
     * its sessions are LOST is reconciled at once.
     */
    @Scheduled(every = "${playground.session.host-check-interval:3s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> watchHosts() {
        return Panache.withSession(sessions::notDeleted).flatMap(records -> Multi.createFrom().iterable(hosts.names())
                        .onItem().transformToUniAndConcatenate(host -> {
                            List<SessionRecord> on = records.stream().filter(r -> host.equals(r.host)).toList();
                            if (!hosts.isUp(host)) {
                                if (hosts.downFor(host).compareTo(config.session().hostLostAfter()) < 0) {
                                    return Uni.createFrom().item(0);
                                }
                                // asked once more right before: another instance may already have seen it return
                                return service.blocking(() -> hosts.probe(host))
                                        .flatMap(back -> back ? Uni.createFrom().item(0) : markLost(host, on));
                            }
                            return on.stream().anyMatch(r -> r.state == SessionState.LOST)
                                    ? reconcile(host) : Uni.createFrom().item(0);
                        }).collect().asList())
                .onFailure().invoke(e -> LOG.warnf("host watch failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Integer> markLost(String host, List<SessionRecord> on) {
        List<Move> moves = on.stream().filter(r -> r.state != SessionState.LOST)
                .map(r -> new Move(r, SessionState.LOST, false)).toList();
        if (!moves.isEmpty()) {
            LOG.warnf("sandbox host %s has not answered for %s s: %d sessions LOST (%s)", host,
                    hosts.downFor(host).toSeconds(), moves.size(), hosts.lastError(host));
        }
        return apply(new Decisions(moves, 0));
    }

    /** One pass over every host that answers; the number of records moved and Docker objects removed. */
    public Uni<Integer> reconcile() {
        return Multi.createFrom().iterable(hosts.upHosts()).onItem().transformToUniAndConcatenate(this::reconcile)
                .collect().asList().map(ns -> ns.stream().mapToInt(Integer::intValue).sum());
    }

    /** One pass over one host: Docker listed first, then the records that name that host. */
    Uni<Integer> reconcile(String host) {
        record Seen(List<Container> containers, List<InspectVolumeResponse> volumes) {
        }
        return service.blocking(() -> new Seen(containers.sessionContainers(host), containers.sessionVolumes(host)))
                .flatMap(seen -> Panache.withSession(sessions::notDeleted).flatMap(records -> {
                    Map<String, SessionRecord> live = records.stream().filter(r -> host.equals(r.host))
                            .collect(Collectors.toMap(r -> r.id, Function.identity()));
                    return service.blocking(() -> decide(host, seen.containers(), seen.volumes(), live));
                }))
                .flatMap(this::apply)
                .onFailure().invoke(e -> LOG.warnf("reconcile of host %s failed: %s", host, e.getMessage()))
                .onFailure().recoverWithItem(0);
    }

    private record Decisions(List<Move> moves, int removed) {
    }

    private Decisions decide(String host, List<Container> seenContainers, List<InspectVolumeResponse> seenVolumes,
                             Map<String, SessionRecord> live) {
        int removed = 0;
        long now = Instant.now().getEpochSecond();
        for (Container c : seenContainers) {
            String id = c.getLabels().get(ContainerLabels.ID);
            if (c.getLabels().containsKey(ContainerLabels.ROLE) && pastDeadline(c, now)) {
                // its work gave up on it (or its instance died): a helper never outlives the time it was given
                LOG.infof("session %s: %s container %s past its deadline, removed", id,
                        c.getLabels().get(ContainerLabels.ROLE), c.getId());
                containers.removeContainer(host, c.getId());
                removed++;
            } else if (!live.containsKey(id)) {
                LOG.infof("session %s: container %s has no live record, removed", id, c.getId());
                containers.removeContainer(host, c.getId());
                removed++;
            }
        }
        for (InspectVolumeResponse v : seenVolumes) {
            String id = v.getLabels() == null ? null : v.getLabels().get(ContainerLabels.ID);
            if (!live.containsKey(id)) {
                LOG.infof("session %s: volume %s has no live record, removed", id, v.getName());
                containers.removeVolume(host, v.getName());
                removed++;
            }
        }
        List<Move> moves = new ArrayList<>();
        Instant staleStart = Instant.now().minus(config.session().startingGrace());
        for (SessionRecord s : live.values()) {
            if (s.state == SessionState.STARTING && s.lastActiveAt.isAfter(staleStart)) {
                continue; // its creator is still at work
            }
            Optional<String> state = containers.state(host, s.containerId);
            boolean volume = containers.volumeExists(host, s.volumeName);
            if (s.state == SessionState.LOST) {
                // its host is back: the record follows what survived there
                if ("running".equals(state.orElse(""))) {
                    moves.add(new Move(s, SessionState.RUNNING, false));
                } else if (volume) {
                    moves.add(new Move(s, SessionState.STOPPED, state.isEmpty()));
                } else {
                    moves.add(new Move(s, SessionState.DELETED, true));
                }
            } else if (state.isEmpty() && !volume && s.state != SessionState.STARTING) {
                moves.add(new Move(s, SessionState.DELETED, true)); // workspace gone: nothing left to start
            } else if (s.state == SessionState.RUNNING && !"running".equals(state.orElse(""))) {
                moves.add(new Move(s, SessionState.STOPPED, state.isEmpty()));
            } else if (s.state == SessionState.STARTING) {
                containers.stop(host, s.containerId);
                moves.add(new Move(s, SessionState.STOPPED, state.isEmpty()));
            } else if ((s.state == SessionState.STOPPED || s.state == SessionState.EXPIRED)) {
                if ("running".equals(state.orElse(""))) {
                    // stopped only if the record is still as read: a start since then must not lose its container
                    moves.add(new Move(s, s.state, false, true));
                } else if (state.isEmpty() && s.containerId != null) {
                    moves.add(new Move(s, s.state, true)); // forget the container; start makes a new one
                }
            }
        }
        return new Decisions(moves, removed);
    }

    /** A helper container whose time is up (or that carries no readable deadline). */
    private static boolean pastDeadline(Container c, long now) {
        String deadline = c.getLabels().get(ContainerLabels.DEADLINE);
        return deadline == null || !deadline.matches("\\d{1,12}") || Long.parseLong(deadline) < now;
    }

    private Uni<Integer> apply(Decisions d) {
        return Multi.createFrom().iterable(d.moves()).onItem().transformToUniAndConcatenate(m -> {
            SessionRecord s = m.session();
            // Only when the record is still what this pass read (state and version): a request since then decided anew.
            Supplier<Uni<Boolean>> move = () -> sessions.reconcile(s, m.target(), m.containerGone(), Instant.now());
            return (m.stopContainer() ? service.moveAndStop(s, move) : Panache.withTransaction(move))
                    .invoke(moved -> {
                        if (moved && m.stopContainer()) {
                            LOG.infof("session %s: record %s but its container ran: stopped", s.id, s.state);
                        }
                        if (moved && m.target() != s.state) {
                            LOG.infof("session %s: container %s, record %s -> %s", s.id,
                                    m.containerGone() ? "gone" : "not running", s.state, m.target());
                            events.publish(s.id, s.owner, switch (m.target()) {
                                case DELETED -> SessionEventType.DELETED;
                                case LOST -> SessionEventType.LOST;
                                case RUNNING -> SessionEventType.STARTED;
                                default -> SessionEventType.STOPPED;
                            });
                            if (m.target() == SessionState.DELETED) {
                                service.blocking(() -> {
                                    containers.removeAll(s);
                                    return null;
                                }).subscribe().with(x -> { }, e -> LOG.warnf("session %s: %s", s.id, e.getMessage()));
                            }
                        }
                    })
                    .map(moved -> moved ? 1 : 0)
                    .onFailure().invoke(e -> LOG.warnf("session %s: reconcile failed: %s", s.id, e.getMessage()))
                    .onFailure().recoverWithItem(0);
        }).collect().asList().map(ns -> ns.stream().mapToInt(Integer::intValue).sum() + d.removed());
    }
}
