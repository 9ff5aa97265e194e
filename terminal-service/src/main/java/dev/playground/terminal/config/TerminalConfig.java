package dev.playground.terminal.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Settings of terminal-service (prefix {@code playground.terminal}); each key has an env-var override. */
@ConfigMapping(prefix = "playground.terminal")
public interface TerminalConfig {

    /** Base URL of session-service, whose internal API resolves a session to its container. */
    @WithDefault("http://session-service:8080")
    String sessionServiceUrl();

    /** Base URL of executor-service, where {@code {"type":"run"}} on the execution stream starts a run. */
    @WithDefault("http://executor-service:8080")
    String executorServiceUrl();

    /** Timeout of one HTTP call to session-service or executor-service. */
    @WithDefault("5s")
    Duration httpTimeout();

    /** Settings of PTY terminals into session containers. */
    Pty pty();

    /** Settings of live execution streams. */
    Stream stream();

    /** Settings shared by every WebSocket connection. */
    Sockets sockets();

    interface Pty {
        /** Terminals one session may have open at once (on this instance); one more is refused with 1013. */
        @WithDefault("8")
        int maxPerSession();

        /** The shell started in the container; a login bash when the image has one, else sh. */
        @WithDefault("/bin/sh,-c,if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi")
        List<String> shell();

        /** Columns when the client gives none. */
        @WithDefault("80")
        int defaultCols();

        /** Rows when the client gives none. */
        @WithDefault("24")
        int defaultRows();

        /** Keystroke bytes waiting to reach the shell before the client is closed as flooding (1009). */
        @WithDefault("1048576")
        int maxPendingInputBytes();

        /** How often terminal use is reported to session-service as session activity, at most. */
        @WithDefault("30s")
        Duration activityInterval();

        /** How long a closed terminal's shell has to exit after SIGHUP before it and its session are killed. */
        @WithDefault("2s")
        Duration hangupGrace();
    }

    interface Stream {
        /** How far back the event consumer starts reading at startup, so a run that began earlier replays whole. */
        @WithDefault("1h")
        Duration replayWindow();

        /** How long a finished execution's events stay replayable in memory. */
        @WithDefault("15m")
        Duration retainCompleted();

        /** Executions whose events are kept in memory at once; the least recently active are dropped first. */
        @WithDefault("2000")
        int maxExecutions();

        /** Event bytes (JSON) kept per execution; beyond it the oldest output events are dropped from replay. */
        @WithDefault("8388608")
        long maxBytesPerExecution();

        /** How long a client may wait for the first event of an execution it names before being told it does not exist. */
        @WithDefault("15s")
        Duration unknownExecutionWait();
    }

    interface Sockets {
        /** Bytes sent to one client but not yet written to its socket, above which sending pauses. */
        @WithDefault("1048576")
        long maxPendingOutputBytes();

        /** How long a client may stay above the pending limit before it is closed as too slow (1008). */
        @WithDefault("10s")
        Duration slowClientTimeout();

        /** A socket that has shown no sign of life (message or pong) for this long is closed as dead. */
        @WithDefault("75s")
        Duration deadAfter();
    }
}
