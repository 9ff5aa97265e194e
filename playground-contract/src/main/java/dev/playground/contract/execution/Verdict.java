package dev.playground.contract.execution;

/** What happened to a run, decided by the executor from measurements, never guessed from exit codes alone. */
public enum Verdict {
    OK, COMPILE_ERROR, RUNTIME_ERROR, TIME_LIMIT_EXCEEDED, MEMORY_LIMIT_EXCEEDED, OUTPUT_LIMIT_EXCEEDED,
    CANCELLED, INTERNAL_ERROR
}
