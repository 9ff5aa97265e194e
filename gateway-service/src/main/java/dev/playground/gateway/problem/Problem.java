package dev.playground.gateway.problem;

import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem the gateway answers with itself. Every error the gateway produces goes through
 * {@link #send(RoutingContext)}, so all of them look alike: stable {@code type}/{@code title}, the status,
 * an actionable {@code detail}, and the request id.
 */
public final class Problem {

    /** Media type of every gateway error body. */
    public static final String MEDIA_TYPE = ApiProblem.MEDIA_TYPE;

    private final ProblemType type;
    private final String detail;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, Object> extensions = new LinkedHashMap<>();

    private Problem(ProblemType type, String detail) {
        this.type = type;
        this.detail = detail;
    }

    /** A problem of the contract's catalogue, with a detail a person can act on. */
    public static Problem of(ProblemType type, String detail) {
        return new Problem(type, detail);
    }

    /** Adds a response header (Retry-After, Allow, WWW-Authenticate...). */
    public Problem header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Adds an extension member to the JSON body. */
    public Problem with(String name, Object value) {
        extensions.put(name, value);
        return this;
    }

    public int status() {
        return type.status();
    }

    /** The response headers this problem asks for. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The JSON body, with {@code instance} set to the request path and the request id added. */
    public JsonObject body(String instance, String requestId) {
        JsonObject json = new JsonObject(ApiProblem.body(type, detail));
        if (instance != null) {
            json.put("instance", instance);
        }
        if (requestId != null) {
            json.put("requestId", requestId);
        }
        extensions.forEach(json::put);
        return json;
    }

    /** Writes this problem as the response, unless a response has already started. */
    public void send(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten() || response.ended()) {
            return;
        }
        response.setStatusCode(type.status());
        headers.forEach(response::putHeader);
        if (type.status() == 413 || type.status() == 411) {
            // Do not read a body we refused; the connection goes with the answer.
            response.putHeader("Connection", "close");
        }
        // The router paused the request; with no handler set, resuming discards whatever body follows.
        ctx.request().resume();
        response.putHeader("Content-Type", MEDIA_TYPE);
        String requestId = ctx.get(RequestIds.CONTEXT_KEY);
        response.end(body(ctx.request().path(), requestId).encode());
    }
}
