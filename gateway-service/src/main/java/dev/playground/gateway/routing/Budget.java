package dev.playground.gateway.routing;

/** Which of a principal's rate-limit buckets a request spends from. */
public enum Budget {
    EXECUTIONS, SESSION_CREATION, GENERAL, PREVIEW
}
