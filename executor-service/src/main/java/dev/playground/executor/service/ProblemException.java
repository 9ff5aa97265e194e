package dev.playground.executor.service;

import dev.playground.contract.problem.ApiProblem;

/**
 * A request the service refuses, with what the caller can do about it; rendered as RFC 9457 problem+json by
 * the one mapper in rest/.
 */
public class ProblemException extends ApiProblem {

    public ProblemException(int status, String type, String title, String detail) {
        this(status, type, title, detail, null);
    }

    public ProblemException(int status, String type, String title, String detail, Integer retryAfterSeconds) {
        super(status, type, title, detail, retryAfterSeconds);
    }

    public static ProblemException invalid(String detail) {
        return new ProblemException(INVALID_REQUEST, "invalid-request", "Invalid request", detail);
    }

    public static ProblemException unprocessable(String detail) {
        return new ProblemException(422, "invalid-limits", "Limits out of range", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail);
    }
}
