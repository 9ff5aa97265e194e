package dev.playground.gateway.proxy;

/**
 * The caller went away while its request was in flight (the gateway then resets the request toward the service).
 * That says nothing about the service, so it never counts against its circuit breaker.
 */
final class CallerGone extends RuntimeException {

    CallerGone(Throwable cause) {
        super("the caller closed its connection", cause, false, false);
    }
}
