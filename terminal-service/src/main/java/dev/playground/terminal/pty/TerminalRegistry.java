package dev.playground.terminal.pty;

import dev.playground.terminal.config.TerminalConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The shells of this instance per session, attached or detached: enforces the per-session maximum (a detached shell
 * counts), finds them to close, and keeps the detached ones by token for a resume. A detached shell is hung up after
 * {@code pty.resume-grace}, and the oldest one is when their resume buffers would exceed
 * {@code pty.resume-buffer-total}; every shell is hung up when the instance stops.
 */
@ApplicationScoped
public class TerminalRegistry {

    private static final Logger LOG = Logger.getLogger(TerminalRegistry.class);
    /** Random bytes of a token: 192 bits, far beyond guessing. */
    private static final int TOKEN_BYTES = 24;

    private final Map<String, Set<TerminalShell>> bySession = new ConcurrentHashMap<>();
    /** The execs of this instance's shells until they have exited (a closed terminal's shell takes a moment to go). */
    private final Set<String> ownExecs = ConcurrentHashMap.newKeySet();
    /** Detached shells by token. */
    private final Map<String, TerminalShell> detached = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final TerminalConfig config;

    TerminalRegistry(TerminalConfig config, MeterRegistry metrics) {
        this.config = config;
        Gauge.builder("playground.terminal.shells.detached", detached, Map::size)
                .description("Shells whose socket was lost, kept for a resume").register(metrics);
    }

    /** A new terminal token: {@code <replica>.<random>}, the random part base64url. */
    String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return config.replica() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A shell of this instance runs as exec {@code id}. */
    public void execStarted(String id) {
        ownExecs.add(id);
    }

    /** The shell of exec {@code id} has exited. */
    public void execEnded(String id) {
        ownExecs.remove(id);
    }

    /** True for the exec of a shell this instance started and that has not exited. */
    public boolean ownsExec(String id) {
        return ownExecs.contains(id);
    }

    /** Registers a terminal unless the session already has {@code max}; false when refused. */
    public boolean tryAdd(TerminalShell terminal, int max) {
        boolean[] added = {false};
        bySession.compute(terminal.sessionId(), (id, set) -> {
            Set<TerminalShell> terminals = set != null ? set : ConcurrentHashMap.newKeySet();
            if (terminals.size() < max) {
                terminals.add(terminal);
                added[0] = true;
            }
            return terminals;
        });
        return added[0];
    }

    /** Forgets a shell that ended. */
    public void remove(TerminalShell terminal) {
        detached.remove(terminal.token(), terminal);
        bySession.computeIfPresent(terminal.sessionId(), (id, set) -> {
            set.remove(terminal);
            return set.isEmpty() ? null : set;
        });
    }

    /** The session's shells on this instance, attached or detached. */
    public Set<TerminalShell> of(String sessionId) {
        return Set.copyOf(bySession.getOrDefault(sessionId, Set.of()));
    }

    /** Keeps a shell whose socket was lost for a resume; the oldest detached one ends if the buffers' budget is spent. */
    void detached(TerminalShell shell) {
        detached.put(shell.token(), shell);
        if (shell.isEnded()) {
            detached.remove(shell.token(), shell); // closed meanwhile (its session stopped)
            return;
        }
        long room = Math.max(1, config.pty().resumeBufferTotal() / config.pty().resumeBuffer());
        while (detached.size() > room) {
            detached.values().stream().min(Comparator.comparingLong(TerminalShell::detachedAt))
                    .ifPresent(oldest -> end(oldest, "resume buffers full (pty.resume-buffer-total)"));
        }
    }

    /**
     * Hands over the detached shell named by {@code token}, only if it is {@code principal}'s shell in
     * {@code sessionId}; empty otherwise (unknown, expired, someone else's, another session's, attached). The whole
     * token is the key of a hash lookup: nothing is matched by prefix.
     */
    Optional<TerminalShell> claim(String token, String principal, String sessionId) {
        TerminalShell shell = token == null ? null : detached.get(token);
        if (shell == null || !shell.principal().equals(principal) || !shell.sessionId().equals(sessionId)) {
            return Optional.empty();
        }
        return detached.remove(token, shell) ? Optional.of(shell) : Optional.empty();
    }

    /**
     * The attached shell named by {@code token}, only if it is {@code principal}'s shell in {@code sessionId}: a
     * reconnect whose old socket died without a close this server has seen takes it over. Compared whole, in
     * constant time.
     */
    Optional<TerminalShell> attachedByToken(String token, String principal, String sessionId) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] wanted = token.getBytes(StandardCharsets.UTF_8);
        return of(sessionId).stream()
                .filter(s -> MessageDigest.isEqual(s.token().getBytes(StandardCharsets.UTF_8), wanted))
                .filter(s -> s.principal().equals(principal))
                .findFirst();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expireDetached() {
        long grace = config.pty().resumeGrace().toNanos();
        long now = System.nanoTime();
        detached.values().stream().filter(s -> now - s.detachedAt() > grace).toList()
                .forEach(s -> end(s, "not resumed within " + config.pty().resumeGrace()));
    }

    private void end(TerminalShell shell, String why) {
        if (detached.remove(shell.token(), shell)) {
            LOG.infof("%s: detached shell ended: %s", shell.describe(), why);
            shell.close(1000, why);
        }
    }

    /** The instance stops: its shells could not be resumed anywhere else, so each is hung up (clients reconnect). */
    void shutdown(@Observes ShutdownEvent event) throws InterruptedException {
        List<TerminalShell> all = bySession.values().stream().flatMap(Set::stream).toList();
        if (all.isEmpty()) {
            return;
        }
        LOG.infof("shutting down: hanging up %d shell(s)", all.size());
        all.forEach(s -> s.close(1001, "terminal-service is restarting: reconnect"));
        Duration wait = config.pty().hangupGrace().plusSeconds(5);
        for (TerminalShell shell : all) {
            shell.awaitHangup(wait);
        }
    }
}
