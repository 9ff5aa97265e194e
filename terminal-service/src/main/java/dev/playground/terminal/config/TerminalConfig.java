package dev.playground.terminal.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Settings of terminal-service (prefix {@code playground.terminal}); each key has an env-var override. */
@ConfigMapping(prefix = "playground.terminal")
public interface TerminalConfig {

    /**
     * This instance's name, first part of each terminal token ({@code <replica>.<random>}), so a load balancer can send
     * a {@code resume=} to the instance that keeps the shell. Letters, digits and {@code -}; unique per instance.
     */
    @WithDefault("terminal")
    String replica();

    /** Settings of PTY terminals into session containers. */
    Pty pty();

    /** Settings of live execution streams. */
    Stream stream();

    /** Settings shared by every WebSocket connection. */
    Sockets sockets();

    /** Settings of preview tunnels (SOCKS5 from the gateway to a port on a session's loopback). */
    Preview preview();

    interface Preview {
        /** Address the tunnel server binds to; only the gateway should reach it (an internal network). */
        @WithDefault("0.0.0.0")
        String host();

        /** Port of the tunnel server. */
        @WithDefault("1080")
        int port();

        /** A tunnel that carries no byte either way for this long is closed by its relay. */
        @WithDefault("10m")
        Duration idleTimeout();

        /**
         * Tunnels one session may have open at once (each is a relay process in it); one more is refused, so a page
         * that opens connections without end cannot fill the session's process limit.
         */
        @WithDefault("32")
        int maxPerSession();
    }

    interface Pty {
        /**
         * Terminals one session may have open at once, detached ones waiting for a resume included; one more is refused
         * with 1013.
         */
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

        /**
         * How long a shell whose socket was lost (any close but a deliberate 1000) keeps running, detached, for the client
         * to resume it with its token; then it is hung up as a closed terminal's is.
         */
        @WithDefault("60s")
        Duration resumeGrace();

        /** Output of a detached shell kept for its resume: the newest this many bytes (older ones are dropped). */
        @WithDefault("65536")
        int resumeBuffer();

        /**
         * Output buffers of all detached shells together: each reserves {@code resume-buffer} of it, and a shell detached
         * beyond it ends the one detached longest ago.
         */
        @WithDefault("16777216")
        long resumeBufferTotal();
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

        /**
         * Event bytes (JSON) kept for all executions together; beyond it idle executions are forgotten first, then the
         * oldest events of the largest are dropped from replay.
         */
        @WithDefault("33554432")
        long maxBytes();

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
