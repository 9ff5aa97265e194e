package dev.playground.gateway.proxy;

/**
 * A downstream answered, but with 502/503/504: it counts as a failure for the circuit breaker while its own
 * answer is still passed through to the caller.
 */
final class DownstreamFailure extends RuntimeException {

    private final transient Object answer;

    DownstreamFailure(int status, Object answer) {
        super("downstream answered " + status, null, false, false);
        this.answer = answer;
    }

    Object answer() {
        return answer;
    }

    static boolean isFailureStatus(int status) {
        return status == 502 || status == 503 || status == 504;
    }
}
