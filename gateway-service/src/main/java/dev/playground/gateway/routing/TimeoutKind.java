package dev.playground.gateway.routing;

/** Which configured timeout applies while waiting on the downstream. */
public enum TimeoutKind {
    DEFAULT, EXECUTIONS, SESSION_COMMANDS
}
