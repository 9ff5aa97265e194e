package dev.playground.session.domain;

import dev.playground.contract.session.SessionState;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class SessionRepository implements PanacheRepositoryBase<SessionRecord, String> {

    public Uni<SessionRecord> findOwned(String id, String owner) {
        return find("id = ?1 and owner = ?2", id, owner).firstResult();
    }

    public Uni<List<SessionRecord>> listOwned(String owner) {
        return list("owner = ?1 and state <> ?2", Sort.descending("createdAt"), owner, SessionState.DELETED);
    }

    /**
     * Holds, until the current transaction ends, a PostgreSQL advisory lock for one owner: two requests of the
     * same owner that count its live sessions and then add one run one after the other, so together they cannot
     * pass the per-owner maximum (every service instance shares the lock through the database).
     */
    public Uni<Void> lockOwner(String owner) {
        return getSession().flatMap(s -> s.createNativeQuery("select 1 from pg_advisory_xact_lock(hashtext(:owner))")
                .setParameter("owner", "session-owner:" + owner).getSingleResult()).replaceWithVoid();
    }

    public Uni<Long> countLive(String owner) {
        return count("owner = ?1 and state in ?2", owner, List.of(SessionState.STARTING, SessionState.RUNNING));
    }

    /**
     * Moves a session to {@code target} only if it is still in one of {@code from}: the database decides races
     * between two requests (stop and delete at once), so exactly one of them wins.
     */
    public Uni<Boolean> transition(String id, Collection<SessionState> from, SessionState target, Instant at) {
        // A start is activity: STARTING takes the time too, or a session idle longer than starting-grace would look,
        // to any reconcile pass during its start, like a start whose creator died, and be stopped under it (409).
        String stopped = target == SessionState.STOPPED || target == SessionState.EXPIRED ? ", stoppedAt = :at"
                : target == SessionState.STARTING ? ", stoppedAt = null, stopReason = null, lastActiveAt = :at" : "";
        var params = Parameters.with("target", target).and("id", id).and("from", from);
        if (stopped.contains(":at")) {
            params = params.and("at", at);
        }
        return update("state = :target" + stopped + ", version = version + 1 where id = :id and state in :from",
                params.map()).map(n -> n == 1);
    }

    /** STARTING to RUNNING on {@code containerId}, unless the record moved meanwhile (deleted or stopped while starting). */
    public Uni<Boolean> markRunning(String id, String containerId, Instant at) {
        return update("containerId = ?1, state = ?2, lastActiveAt = ?3, version = version + 1 where id = ?4 and state = ?5",
                containerId, SessionState.RUNNING, at, id, SessionState.STARTING).map(n -> n == 1);
    }

    /** Every RUNNING session (the disk guard measures them). */
    public Uni<List<SessionRecord>> running() {
        return list("state", SessionState.RUNNING);
    }

    /**
     * The reconciler's move: to {@code target} (the same state to only forget the container), only if the record is
     * still as the pass read it (state and version), so a request since then keeps what it decided.
     */
    public Uni<Boolean> reconcile(SessionRecord seen, SessionState target, boolean forgetContainer, Instant at) {
        boolean stops = target != seen.state && target != SessionState.RUNNING;
        String set = "state = :target" + (forgetContainer ? ", containerId = null" : "")
                + (stops ? ", stoppedAt = :at" : "");
        var params = Parameters.with("target", target).and("id", seen.id).and("seen", seen.state)
                .and("version", seen.version);
        if (stops) {
            params = params.and("at", at);
        }
        return update(set + ", version = version + 1 where id = :id and state = :seen and version = :version",
                params.map()).map(n -> n == 1);
    }

    /** RUNNING to EXPIRED, unless the session was active after {@code lastActiveAt} (its idleness was read then). */
    public Uni<Boolean> expireIfIdleSince(String id, Instant lastActiveAt, Instant at) {
        return update("state = ?1, stoppedAt = ?2, version = version + 1 where id = ?3 and state = ?4"
                        + " and lastActiveAt <= ?5", SessionState.EXPIRED, at, id, SessionState.RUNNING, lastActiveAt)
                .map(n -> n == 1);
    }

    /** RUNNING to STOPPED with the reason the service stopped it for. */
    public Uni<Boolean> stopFor(String id, String reason, Instant at) {
        return update("state = ?1, stoppedAt = ?2, stopReason = ?3, version = version + 1 where id = ?4 and state = ?5",
                SessionState.STOPPED, at, reason, id, SessionState.RUNNING).map(n -> n == 1);
    }

    /**
     * Marks a package install as begun in a RUNNING session, unless one is running already (begun after
     * {@code staleBefore}; an older mark is an install whose instance died).
     */
    public Uni<Boolean> claimInstall(String id, Instant at, Instant staleBefore) {
        return update("installStartedAt = ?1 where id = ?2 and state = ?3 and (installStartedAt is null"
                + " or installStartedAt < ?4)", at, id, SessionState.RUNNING, staleBefore).map(n -> n == 1);
    }

    /** The install of the session ended. */
    public Uni<Integer> releaseInstall(String id) {
        return update("installStartedAt = null where id = ?1", id);
    }

    public Uni<Integer> touch(String id, Instant at) {
        return update("lastActiveAt = ?1 where id = ?2 and lastActiveAt < ?1", at, id);
    }

    public Uni<List<SessionRecord>> idleRunning(Instant now) {
        return list("state = ?1 and owner <> ?2", SessionState.RUNNING, SessionRecord.POOLED)
                .map(all -> all.stream()
                        .filter(s -> s.lastActiveAt.plusSeconds(s.idleTimeoutSeconds).isBefore(now))
                        .toList());
    }

    public Uni<List<SessionRecord>> stoppedBefore(Instant cutoff) {
        return list("state in ?1 and stoppedAt < ?2", List.of(SessionState.STOPPED, SessionState.EXPIRED), cutoff);
    }

    /** What live (STARTING or RUNNING) sessions hold on one host: how many, and the memory they reserved. */
    public record HostLoad(String host, long sessions, long memoryMb) {
    }

    /** A STARTING session that has nothing on {@code from} yet moves to {@code to} (its host died before it began). */
    public Uni<Boolean> movePlacement(String id, String from, String to) {
        return update("host = ?1, version = version + 1 where id = ?2 and host = ?3 and state = ?4 and containerId is null",
                to, id, from, SessionState.STARTING).map(n -> n == 1);
    }

    /** The load of every host that has a live session. */
    public Uni<List<HostLoad>> loadByHost() {
        return getSession().flatMap(s -> s.createSelectionQuery("select host, count(*), coalesce(sum(memoryMb), 0) from "
                        + "SessionRecord where state in :live and owner <> :pooled group by host", Object[].class)
                .setParameter("live", List.of(SessionState.STARTING, SessionState.RUNNING))
                .setParameter("pooled", SessionRecord.POOLED).getResultList())
                .map(rows -> rows.stream().map(r -> new HostLoad((String) r[0], ((Number) r[1]).longValue(),
                        ((Number) r[2]).longValue())).toList());
    }

    /**
     * Within the caller's transaction: a ready pooled session (RUNNING, owned by nobody, made after {@code madeAfter})
     * on {@code host} with exactly the given image and limits, locked for this transaction; null when there is none.
     * {@code skip locked}: two requests at once take two different ones (or one of them none), never the same.
     */
    public Uni<SessionRecord> takePooled(String host, String image, int memoryMb, double cpus, int pids, int diskMb,
                                         Instant madeAfter) {
        return getSession().flatMap(s -> s.createNativeQuery("select id from session where owner = :pooled"
                                + " and state = 'RUNNING' and host = :host and image = :image and memory_mb = :memory"
                                + " and cpus = :cpus and pids = :pids and disk_mb = :disk and created_at > :after"
                                + " order by created_at limit 1 for update skip locked", String.class)
                        .setParameter("pooled", SessionRecord.POOLED).setParameter("host", host)
                        .setParameter("image", image).setParameter("memory", memoryMb).setParameter("cpus", cpus)
                        .setParameter("pids", pids).setParameter("disk", diskMb).setParameter("after", madeAfter)
                        .getResultList())
                .flatMap(ids -> ids.isEmpty() ? Uni.createFrom().nullItem() : findById(ids.get(0)));
    }

    /** How many pooled sessions are ready or being made, per host and image. */
    public record PoolCount(String host, String image, long sessions) {
    }

    public Uni<List<PoolCount>> countPooled() {
        return getSession().flatMap(s -> s.createSelectionQuery("select host, image, count(*) from SessionRecord "
                        + "where owner = :pooled and state in :live group by host, image", Object[].class)
                .setParameter("pooled", SessionRecord.POOLED)
                .setParameter("live", List.of(SessionState.STARTING, SessionState.RUNNING)).getResultList())
                .map(rows -> rows.stream().map(r -> new PoolCount((String) r[0], (String) r[1],
                        ((Number) r[2]).longValue())).toList());
    }

    /**
     * Pooled sessions to replace: ready ones made before {@code madeBefore}, ones still being made since before
     * {@code startingBefore} (their maker died), and any that stopped or were lost.
     */
    public Uni<List<SessionRecord>> pooledToReplace(Instant madeBefore, Instant startingBefore) {
        return list("owner = ?1 and ((state = ?2 and createdAt < ?3) or (state = ?4 and lastActiveAt < ?5)"
                        + " or state not in ?6)", SessionRecord.POOLED, SessionState.RUNNING, madeBefore,
                SessionState.STARTING, startingBefore, List.of(SessionState.STARTING, SessionState.RUNNING));
    }

    /**
     * Forgets a pooled session still as it was read (nobody's, in {@code state}): its row goes, and with it every claim
     * on its container and volume, which the caller (or else the reconciler, which removes what no live record names)
     * removes next.
     */
    public Uni<Boolean> forgetPooled(String id, SessionState state) {
        return delete("id = ?1 and owner = ?2 and state = ?3", id, SessionRecord.POOLED, state).map(n -> n == 1);
    }

    public Uni<List<SessionRecord>> notDeleted() {
        return list("state <> ?1", SessionState.DELETED);
    }
}
