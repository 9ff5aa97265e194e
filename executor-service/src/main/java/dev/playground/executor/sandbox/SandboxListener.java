package dev.playground.executor.sandbox;

import java.util.Map;

/** What a sandbox reports while it runs, in the order the supervisor produced it (one thread calls these). */
public interface SandboxListener {

    /** The container (or exec) is up and the supervisor has the files. */
    void started();

    /** A chunk of output: type c/d = compile stdout/stderr, o/e = run stdout/stderr. */
    void output(char type, byte[] data);

    /** The program is blocked reading stdin that has not come yet. */
    void waitingForInput();

    /** A step finished: type k = compile, r = run; the supervisor's measurements. */
    void stepFinished(char type, Map<String, String> measurements);
}
