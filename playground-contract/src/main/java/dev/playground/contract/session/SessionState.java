package dev.playground.contract.session;

import java.util.EnumSet;
import java.util.Set;

/** Where a session is in its life; moves only along {@link #next()}. */
public enum SessionState {
    STARTING, RUNNING, STOPPED, EXPIRED, DELETED,
    /** Its sandbox host stopped answering; the workspace waits on that host, and reconciliation brings it back. */
    LOST;

    /** States this one may move to. */
    public Set<SessionState> next() {
        return switch (this) {
            case STARTING -> EnumSet.of(RUNNING, STOPPED, DELETED, LOST);
            case RUNNING -> EnumSet.of(STOPPED, EXPIRED, DELETED, LOST);
            case STOPPED, EXPIRED -> EnumSet.of(STARTING, DELETED, LOST);
            case LOST -> EnumSet.of(RUNNING, STOPPED, DELETED);
            case DELETED -> EnumSet.noneOf(SessionState.class);
        };
    }

    /** States from which a move to {@code target} is allowed. */
    public static Set<SessionState> from(SessionState target) {
        Set<SessionState> sources = EnumSet.noneOf(SessionState.class);
        for (SessionState s : values()) {
            if (s.next().contains(target)) {
                sources.add(s);
            }
        }
        return sources;
    }
}
