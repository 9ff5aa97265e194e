package dev.playground.contract.session;

/** Session lifecycle event types on {@code playground.session.events}. */
public enum SessionEventType {
    CREATED, STARTED, STOPPED, EXPIRED, DELETED, LOST
}
