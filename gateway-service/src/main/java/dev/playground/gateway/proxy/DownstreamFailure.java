package dev.playground.gateway.proxy;

import dev.playground.contract.problem.ApiProblem;

/**
 * A downstream answered 502/503/504 without speaking for itself: it counts as a failure for the circuit breaker while
 * its answer is still passed through to the caller. A service that answers one of these with its own problem+json
 * (its back-pressure: a queue full, a principal over its share) is alive and well, and trips nothing.
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

    static boolean isFailure(int status, String contentType) {
        boolean spokeForItself = contentType != null && contentType.startsWith(ApiProblem.MEDIA_TYPE);
        return (status == 502 || status == 503 || status == 504) && !spokeForItself;
    }
}
