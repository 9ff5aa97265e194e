package dev.playground.executor.sandbox;

/** What a sandbox reports while it runs, in the order the supervisor produced it (one thread calls these). */
public interface SandboxListener {

    /** A fresh sandbox is being made on {@code host} (again on another, when the first did not answer). */
    default void placedOn(String host) {
    }

    /** The container (or exec) is up and the supervisor has the files. */
    void started();

    /**
     * A chunk of output ({@link SupervisorFrame#COMPILE_STDOUT}, {@code COMPILE_STDERR}, {@code RUN_STDOUT} or
     * {@code RUN_STDERR}).
     */
    void output(SupervisorFrame stream, byte[] data);

    /** A chunk of a file the run wrote to its output paths (a file's chunks come in order, before the run's report). */
    void artifact(String name, byte[] chunk);

    /** The program is blocked reading stdin that has not come yet. */
    void waitingForInput();

    /** The compile step finished. */
    void compiled(StepReport report);

    /** The run step finished. */
    void ran(StepReport report);
}
