package dev.playground.session.rest;

import dev.playground.contract.problem.ApiProblem;

/**
 * A failure a caller can act on, answered as RFC 9457 problem+json by {@link ProblemMapper}. Thrown anywhere
 * (services included): nothing has changed when it is thrown before the first side effect.
 */
public class Problem extends ApiProblem {
    public Problem(int status, String type, String title, String detail) {
        super(status, type, title, detail, null);
    }

    public static Problem notFound(String what, String id) {
        return new Problem(404, "not-found", "Not found", what + " " + id + " does not exist (or is not yours).");
    }

    public static Problem invalid(String detail) {
        return new Problem(INVALID_REQUEST, "invalid-request", "Invalid request", detail);
    }

    public static Problem conflict(String detail) {
        return new Problem(409, "conflict", "Conflict", detail);
    }

    public static Problem tooLarge(String detail) {
        return new Problem(413, "too-large", "Content too large", detail);
    }

    public static Problem tooMany(String detail) {
        return new Problem(429, "too-many-sessions", "Too many sessions", detail);
    }

    public static Problem unavailable(String detail) {
        return new Problem(503, "unavailable", "Service unavailable", detail);
    }
}
