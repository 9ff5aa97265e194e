package dev.playground.session.service;

import dev.playground.session.docker.WorkspaceUsage;
import dev.playground.session.domain.SessionRecord;
import dev.playground.session.domain.SessionRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The workspace disk limit for what runs inside a session. Docker's local volumes have no quota (that would need XFS
 * project quotas under /var/lib/docker), and the per-file `fsize` ulimit bounds one file, not many; so every
 * {@code disk-check-interval} the engine's count of each workspace volume is compared with the session's limit, and
 * a RUNNING session over its limit and still growing is stopped, with the reason on its record. One that is over but
 * not growing is left running, so its owner can start it again and delete files; the file API refuses writes past
 * the limit anyway. A burst can overshoot by what it writes in one interval (on an engine before API 1.42, in one
 * paced interval: {@code disk-check-pacing}); that bound is the guard's promise.
 */
@ApplicationScoped
public class WorkspaceQuotaGuard {
    private static final Logger LOG = Logger.getLogger(WorkspaceQuotaGuard.class);
    private static final long MB = 1024L * 1024L;

    private final WorkspaceUsage usage;
    private final SessionRepository sessions;
    private final SessionService service;
    /** Volume name to the size measured on the pass before, for every session volume of this instance. */
    private final Map<String, Long> previous = new ConcurrentHashMap<>();

    WorkspaceQuotaGuard(WorkspaceUsage usage, SessionRepository sessions, SessionService service) {
        this.usage = usage;
        this.sessions = sessions;
        this.service = service;
    }

    private record Over(SessionRecord session, long bytes) {
    }

    @Scheduled(every = "${playground.session.disk-check-interval:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> check() {
        // RUNNING sessions first: with none there is nothing to count, and the engine is not asked at all.
        return Panache.withSession(sessions::running)
                .flatMap(running -> running.isEmpty() ? Uni.createFrom().item(List.<Over>of())
                        : service.blocking(() -> usage.workspaceSizes(running.stream().map(s -> s.host)
                                        .filter(Objects::nonNull).collect(Collectors.toSet())))
                                .map(sizes -> decide(sizes, running)))
                .flatMap(over -> Multi.createFrom().iterable(over).onItem().transformToUniAndConcatenate(o ->
                                service.stopFor(o.session(), "Its workspace holds " + o.bytes() / MB + " MB, over its "
                                                + o.session().diskMb + " MB disk limit (limits.diskMb). Start it again"
                                                + " and delete files to bring it under the limit.")
                                        .invoke(() -> previous.put(o.session().volumeName, o.bytes()))
                                        .onFailure().invoke(e -> LOG.warnf("session %s: %s", o.session().id,
                                                e.getMessage()))
                                        .onFailure().recoverWithNull())
                        .collect().asList())
                .onFailure().invoke(e -> LOG.warnf("workspace size check failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** The RUNNING sessions over their limit that grew since the last pass (or were not seen before). */
    private List<Over> decide(Map<String, Long> sizes, List<SessionRecord> running) {
        List<Over> over = new ArrayList<>();
        for (SessionRecord s : running) {
            Long now = sizes.get(s.volumeName);
            long limit = s.diskMb * MB;
            if (now != null && now > limit && now > previous.getOrDefault(s.volumeName, limit)) {
                over.add(new Over(s, now));
            }
        }
        previous.keySet().retainAll(sizes.keySet());
        sizes.forEach((volume, bytes) -> {
            // a session to be stopped gets its new size once the stop is done, so a stop that fails is tried again
            if (over.stream().noneMatch(o -> o.session().volumeName.equals(volume))) {
                previous.put(volume, bytes);
            }
        });
        return over;
    }
}
