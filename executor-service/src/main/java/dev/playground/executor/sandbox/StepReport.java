package dev.playground.executor.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What the supervisor measured for one step ({@link SupervisorFrame#COMPILE_REPORT} or
 * {@link SupervisorFrame#RUN_REPORT}, sent as {@code key=value} lines).
 *
 * @param exitCode the exit code, or 128 + signal; null when the program never ended on its own account
 * @param signal the signal that ended it (SIGSEGV...), or null
 * @param wallMs wall time on a monotonic clock
 * @param cpuMs CPU time of the program and everything it forked
 * @param maxRssKb peak resident memory of the program
 * @param oomKilled the cgroup's OOM killer struck during the step
 * @param stop why the supervisor stopped the program, if it did
 */
public record StepReport(Integer exitCode, String signal, long wallMs, long cpuMs, long maxRssKb, boolean oomKilled,
        Stop stop, boolean stdoutTruncated, boolean stderrTruncated) {

    /** Why the supervisor stopped a program. */
    public enum Stop {
        NONE, WALL, CPU, OUTPUT, CANCEL
    }

    /** True when the step ended on its own with exit code 0, inside its limits. */
    public boolean succeeded() {
        return Integer.valueOf(0).equals(exitCode) && stop == Stop.NONE && !oomKilled;
    }

    /** Parses a report frame's payload; a malformed one is a protocol violation. */
    public static StepReport parse(byte[] payload) {
        Map<String, String> m = new HashMap<>();
        for (String line : new String(payload, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            String exit = m.getOrDefault("exit", "");
            String signal = m.getOrDefault("signal", "");
            String reason = m.getOrDefault("reason", "");
            return new StepReport(exit.isEmpty() ? null : Integer.valueOf(exit), signal.isEmpty() ? null : signal,
                    Long.parseLong(m.getOrDefault("wall", "0")), Long.parseLong(m.getOrDefault("cpu", "0")),
                    Long.parseLong(m.getOrDefault("rss", "0")), "1".equals(m.get("oom")),
                    reason.isEmpty() ? Stop.NONE : Stop.valueOf(reason.toUpperCase(java.util.Locale.ROOT)),
                    "1".equals(m.get("outTrunc")), "1".equals(m.get("errTrunc")));
        } catch (IllegalArgumentException e) {
            throw new SupervisorProtocolException("unreadable step report: " + e.getMessage());
        }
    }
}
