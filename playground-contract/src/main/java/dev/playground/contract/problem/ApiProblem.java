package dev.playground.contract.problem;

/**
 * A request a service refuses, with what the caller can do about it: the fields of an RFC 9457 problem
 * (status, type, title; the message is the detail). Each service's one exception mapper renders it as
 * application/problem+json; each service keeps its own factory methods for the problems it answers.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final Integer retryAfterSeconds;

    public ApiProblem(int status, String type, String title, String detail, Integer retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** Seconds a client should wait before trying again (503, 429), or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
