package dev.playground.session.service;

import dev.playground.session.config.SessionConfig;
import dev.playground.session.domain.SessionRecord;
import dev.playground.session.domain.SessionRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/** Stops sessions idle past their timeout (EXPIRED), and deletes those stopped longer than the retention period. */
@ApplicationScoped
public class IdleSessionReaper {
    private static final Logger LOG = Logger.getLogger(IdleSessionReaper.class);

    private final SessionRepository sessions;
    private final SessionService service;
    private final SessionConfig config;

    IdleSessionReaper(SessionRepository sessions, SessionService service, SessionConfig config) {
        this.sessions = sessions;
        this.service = service;
        this.config = config;
    }

    @Scheduled(every = "${playground.session.reaper-interval:30s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reap() {
        Instant now = Instant.now();
        return Panache.withSession(() -> sessions.idleRunning(now))
                .flatMap(idle -> each(idle, service::expire))
                .flatMap(x -> Panache.withSession(() -> sessions.stoppedBefore(now.minus(config.session().retention()))))
                .flatMap(old -> each(old, service::purge))
                .onFailure().invoke(e -> LOG.warnf("idle reaper pass failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static Uni<Void> each(List<SessionRecord> records, java.util.function.Function<SessionRecord, Uni<Void>> op) {
        return Multi.createFrom().iterable(records)
                .onItem().transformToUniAndConcatenate(s -> op.apply(s)
                        .onFailure().invoke(e -> LOG.warnf("session %s: %s", s.id, e.getMessage()))
                        .onFailure().recoverWithNull())
                .collect().asList().replaceWithVoid();
    }
}
