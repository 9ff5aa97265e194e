package dev.playground.executor.service;

/**
 * A request the service refuses, with what the caller can do about it; rendered as RFC 9457 problem+json by
 * the one mapper in rest/.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final Integer retryAfterSeconds;

    public ProblemException(int status, String type, String title, String detail) {
        this(status, type, title, detail, null);
    }

    public ProblemException(int status, String type, String title, String detail, Integer retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }

    public static ProblemException unprocessable(String detail) {
        return new ProblemException(422, "invalid-limits", "Limits out of range", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail);
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

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
