package dev.playground.terminal.pty;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The terminals open per session on this instance: enforces the per-session maximum, and finds them to close. */
@ApplicationScoped
public class TerminalRegistry {

    private final Map<String, Set<TerminalShell>> bySession = new ConcurrentHashMap<>();
    /** The execs of this instance's shells until they have exited (a closed terminal's shell takes a moment to go). */
    private final Set<String> ownExecs = ConcurrentHashMap.newKeySet();

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

    public void remove(TerminalShell terminal) {
        bySession.computeIfPresent(terminal.sessionId(), (id, set) -> {
            set.remove(terminal);
            return set.isEmpty() ? null : set;
        });
    }

    public Set<TerminalShell> of(String sessionId) {
        return Set.copyOf(bySession.getOrDefault(sessionId, Set.of()));
    }
}
