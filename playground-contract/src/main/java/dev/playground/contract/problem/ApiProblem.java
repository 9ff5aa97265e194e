package dev.playground.contract.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request a service refuses, with what the caller can do about it: the fields of an RFC 9457 problem
 * (status, type, title; the message is the detail). Each service's one exception mapper renders it as
 * application/problem+json with {@link #body}; each service keeps its own factory methods for the problems it
 * answers, with the statuses below for the types more than one service answers with, so a type means the same
 * status wherever it comes from.
 */
public class ApiProblem extends RuntimeException {

    /** Media type of every error body. */
    public static final String MEDIA_TYPE = "application/problem+json";
    /** Every problem type is this base followed by a stable slug. */
    public static final String TYPE_BASE = "https://playground.dev/problems/";

    /** {@code invalid-json}: the body is not JSON, or not the shape the endpoint takes. */
    public static final int INVALID_JSON = 400;
    /** {@code invalid-request}: well-formed JSON whose values the endpoint refuses (unknown language, bad path). */
    public static final int INVALID_REQUEST = 422;

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

    /** The RFC 9457 body: type (from the slug), title, status, detail. */
    public static Map<String, Object> body(int status, String slug, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return body;
    }

    /** This problem's body. */
    public Map<String, Object> body() {
        return body(status, type, title, getMessage());
    }
}
