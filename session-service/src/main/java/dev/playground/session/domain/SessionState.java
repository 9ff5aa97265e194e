package dev.playground.session.domain;

import java.util.EnumSet;
import java.util.Set;

/** Where a session is in its life; moves only along {@link #next()}. */
public enum SessionState {
    STARTING, RUNNING, STOPPED, EXPIRED, DELETED;

    /** States this one may move to. */
    public Set<SessionState> next() {
        return switch (this) {
            case STARTING -> EnumSet.of(RUNNING, STOPPED, DELETED);
            case RUNNING -> EnumSet.of(STOPPED, EXPIRED, DELETED);
            case STOPPED, EXPIRED -> EnumSet.of(STARTING, DELETED);
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

    /** Holds a container that runs (or is about to). */
    public boolean isLive() {
        return this == STARTING || this == RUNNING;
    }
}
