package dev.playground.terminal.pty;

import java.util.List;

/**
 * What closing a terminal does inside the container, as a real terminal hangup would: SIGHUP to the shell
 * (bash passes it on to its jobs), then, after a grace period, SIGKILL to whatever is still in the shell's
 * session. Processes the user detached on purpose ({@code nohup}, {@code setsid}) keep running, so a dev server
 * started from a terminal for the preview survives closing the tab.
 *
 * <p>The shell is found by the marker variable {@code PLAYGROUND_TERMINAL} it was started with (docker exec
 * makes it a session leader); Docker itself does not end an exec when its client goes away (moby#9098).
 */
final class ShellHangup {

    /** Environment variable naming the terminal a process belongs to. */
    static final String MARKER = "PLAYGROUND_TERMINAL";

    private static final String SCRIPT = """
            t="$1=$2"; grace=$3; leader=
            for d in /proc/[0-9]*; do
              p=${d#/proc/}
              tr '\\000' '\\n' < "$d/environ" 2>/dev/null | grep -qxF "$t" || continue
              read -r s < "$d/stat" || continue
              set -- ${s##*) }
              [ "$4" = "$p" ] && leader=$p
            done
            [ -n "$leader" ] || exit 0
            kill -HUP "$leader" 2>/dev/null
            i=0
            while [ -d "/proc/$leader" ] && [ "$i" -lt "$grace" ]; do sleep 0.1; i=$((i+1)); done
            for d in /proc/[0-9]*; do
              read -r s < "$d/stat" 2>/dev/null || continue
              set -- ${s##*) }
              [ "$4" = "$leader" ] && kill -KILL "${d#/proc/}" 2>/dev/null
            done
            exit 0
            """;

    private ShellHangup() {
    }

    /** The command that hangs up terminal {@code terminalId}, waiting {@code graceTenths} tenths of a second. */
    static List<String> command(String terminalId, long graceTenths) {
        return List.of("/bin/sh", "-c", SCRIPT, "hangup", MARKER, terminalId, Long.toString(graceTenths));
    }
}
