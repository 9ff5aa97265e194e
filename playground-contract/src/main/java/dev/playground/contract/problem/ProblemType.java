package dev.playground.contract.problem;

/**
 * The catalogue of problem types every service answers with (RFC 9457 {@code type} = {@link ApiProblem#TYPE_BASE} +
 * slug). One slug, one status, one title, wherever it comes from; the detail says what happened this time.
 */
public enum ProblemType {
    /** The body is not JSON, or not the shape the endpoint takes. */
    INVALID_JSON(400, "invalid-json", "Invalid JSON"),
    /** A path with empty, '.' or '..' segments (also percent-encoded) or backslashes. */
    BAD_PATH(400, "bad-path", "Bad path"),
    /** A Content-Length that is not a non-negative integer. */
    BAD_CONTENT_LENGTH(400, "bad-content-length", "Bad Content-Length"),
    /** No API key, an unknown one, or (between services) a principal header the gateway did not sign. */
    UNAUTHENTICATED(401, "unauthenticated", "Unauthenticated"),
    /** A preview request without its token (first visit) or cookie. */
    PREVIEW_TOKEN_MISSING(401, "preview-token-missing", "Preview token missing"),
    /** A preview token that is forged, expired or for another session or port. */
    PREVIEW_TOKEN_INVALID(403, "preview-token-invalid", "Preview token invalid"),
    /** No such resource for this principal (another principal's ids look the same). */
    NOT_FOUND(404, "not-found", "Not found"),
    /** The method is not one this path takes. */
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    /** The resource is not in a state that allows the request. */
    CONFLICT(409, "conflict", "Conflict"),
    /** The request needs a RUNNING session. */
    SESSION_NOT_RUNNING(409, "session-not-running", "Session not running"),
    /** The execution already completed. */
    ALREADY_COMPLETED(409, "already-completed", "Already completed"),
    /** A body without Content-Length where limits must be decided before reading it. */
    LENGTH_REQUIRED(411, "length-required", "Length required"),
    /** The body, a file, or a workspace would be larger than allowed. */
    TOO_LARGE(413, "too-large", "Content too large"),
    /** The body is not of the media type the endpoint takes. */
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    /** Well-formed values the endpoint refuses (unknown language, bad path, empty code). */
    INVALID_REQUEST(422, "invalid-request", "Invalid request"),
    /** Limits outside what the server allows. */
    INVALID_LIMITS(422, "invalid-limits", "Limits out of range"),
    /** The principal's request budget is spent for now (Retry-After says when). */
    RATE_LIMITED(429, "rate-limited", "Rate limited"),
    /** The principal already uses its share of a service (runs, installs, commands at once); Retry-After says when. */
    SHARE_EXCEEDED(429, "share-exceeded", "Your share is in use"),
    /** The principal runs the most sessions allowed at once. */
    TOO_MANY_SESSIONS(429, "too-many-sessions", "Too many sessions"),
    /** Something failed on the service's side. */
    INTERNAL_ERROR(500, "internal-error", "Internal error"),
    /** A service behind the gateway answered something the gateway cannot pass on. */
    BAD_GATEWAY(502, "bad-gateway", "Bad gateway"),
    /** The package registry did not answer through the egress proxy. */
    REGISTRY_UNREACHABLE(502, "registry-unreachable", "Package registry unreachable"),
    /** A service or dependency cannot serve now; Retry-After says when to try again. */
    UNAVAILABLE(503, "unavailable", "Service unavailable"),
    /** The sandbox host a session lives on does not answer; its workspace waits there until it returns. */
    HOST_UNAVAILABLE(503, "host-unavailable", "Sandbox host unavailable"),
    /** Every slot and queue place of the service is taken; Retry-After says when to try again. */
    BUSY(503, "busy", "Busy"),
    /** This instance is shutting down; another one (or this one, restarted) answers in a moment. */
    SHUTTING_DOWN(503, "shutting-down", "Shutting down"),
    /** A service behind the gateway did not answer in time. */
    UPSTREAM_TIMEOUT(504, "upstream-timeout", "Upstream timeout");

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** The type URI. */
    public String uri() {
        return ApiProblem.TYPE_BASE + slug;
    }

    /** The catalogue's type for an HTTP status a framework answered with on its own (404 route, 405, 415...). */
    public static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_JSON;
            case 401 -> UNAUTHENTICATED;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 409 -> CONFLICT;
            case 411 -> LENGTH_REQUIRED;
            case 413 -> TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 422 -> INVALID_REQUEST;
            case 429 -> RATE_LIMITED;
            case 502 -> BAD_GATEWAY;
            case 503 -> UNAVAILABLE;
            case 504 -> UPSTREAM_TIMEOUT;
            default -> INTERNAL_ERROR;
        };
    }
}
