package dev.playground.contract.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request a service refuses, with what the caller can do about it: a {@link ProblemType} from the catalogue and a
 * detail a person can act on. Thrown from any layer (nothing has changed when it is thrown before the first side
 * effect); each service's one exception mapper renders it as application/problem+json with {@link #body()}.
 */
public class ApiProblem extends RuntimeException {

    /** Media type of every error body. */
    public static final String MEDIA_TYPE = "application/problem+json";
    /** Every problem type is this base followed by a stable slug. */
    public static final String TYPE_BASE = "https://playground.dev/problems/";

    private final ProblemType type;
    private final Integer retryAfterSeconds;

    public ApiProblem(ProblemType type, String detail) {
        this(type, detail, null);
    }

    public ApiProblem(ProblemType type, String detail, Integer retryAfterSeconds) {
        super(detail, null, false, false);
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiProblem of(ProblemType type, String detail) {
        return new ApiProblem(type, detail);
    }

    /** The same problem, telling the caller to come back after {@code seconds} (429, 503). */
    public ApiProblem retryAfter(int seconds) {
        return new ApiProblem(type, getMessage(), seconds);
    }

    public static ApiProblem invalid(String detail) {
        return new ApiProblem(ProblemType.INVALID_REQUEST, detail);
    }

    /** {@code what id} does not exist for this principal; another principal's ids read the same. */
    public static ApiProblem notFound(String what, String id) {
        return new ApiProblem(ProblemType.NOT_FOUND, what + " " + id + " does not exist (or is not yours).");
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(ProblemType.NOT_FOUND, detail);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(ProblemType.CONFLICT, detail);
    }

    public static ApiProblem tooLarge(String detail) {
        return new ApiProblem(ProblemType.TOO_LARGE, detail);
    }

    public static ApiProblem unavailable(String detail) {
        return new ApiProblem(ProblemType.UNAVAILABLE, detail);
    }

    public ProblemType type() {
        return type;
    }

    public int status() {
        return type.status();
    }

    /** Seconds a client should wait before trying again (503, 429), or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The RFC 9457 body: type, title, status, detail. */
    public static Map<String, Object> body(ProblemType type, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        return body;
    }

    /** This problem's body. */
    public Map<String, Object> body() {
        return body(type, getMessage());
    }
}
