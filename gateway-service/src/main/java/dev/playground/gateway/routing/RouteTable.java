package dev.playground.gateway.routing;

import io.vertx.core.http.HttpMethod;
import java.util.Optional;

/**
 * "Who answers what" (docs/ARCHITECTURE.md): the only paths the gateway forwards, all under /api/v1 and kept
 * unchanged on the way. Anything not listed, /internal/** above all, is never routed.
 */
public final class RouteTable {

    private static final String API = "/api/v1";

    private RouteTable() {
    }

    /** The route for a request, or empty when the gateway does not expose that method and path. */
    public static Optional<ApiRoute> resolve(HttpMethod method, String path) {
        if (!path.startsWith(API + "/")) {
            return Optional.empty();
        }
        String[] s = path.substring(API.length() + 1).split("/", -1);
        return switch (s[0]) {
            case "runtimes" -> s.length == 1 && method == HttpMethod.GET
                    ? route(Downstream.EXECUTOR, Budget.GENERAL, BodyKind.JSON, TimeoutKind.DEFAULT)
                    : Optional.empty();
            case "executions" -> executions(method, s);
            case "sessions" -> sessions(method, s);
            default -> Optional.empty();
        };
    }

    private static Optional<ApiRoute> executions(HttpMethod method, String[] s) {
        if (s.length == 1) {
            if (method == HttpMethod.POST) {
                return route(Downstream.EXECUTOR, Budget.EXECUTIONS, BodyKind.EXECUTION_JSON, TimeoutKind.EXECUTIONS);
            }
            return method == HttpMethod.GET
                    ? route(Downstream.SESSION, Budget.GENERAL, BodyKind.JSON, TimeoutKind.DEFAULT)
                    : Optional.empty();
        }
        if (s.length == 2 && "stream".equals(s[1]) && method == HttpMethod.GET) {
            // The WebSocket that can start a run spends the executions budget like POST /executions.
            return route(Downstream.TERMINAL, Budget.EXECUTIONS, BodyKind.JSON, TimeoutKind.DEFAULT);
        }
        if (s.length == 2 && method == HttpMethod.GET) {
            return route(Downstream.SESSION, Budget.GENERAL, BodyKind.JSON, TimeoutKind.DEFAULT);
        }
        if (s.length >= 4 && "artifacts".equals(s[2]) && method == HttpMethod.GET) {
            // Files a run wrote: kept with the history.
            return route(Downstream.SESSION, Budget.GENERAL, BodyKind.JSON, TimeoutKind.DEFAULT);
        }
        if (s.length == 3 && "cancel".equals(s[2]) && method == HttpMethod.POST) {
            return route(Downstream.EXECUTOR, Budget.GENERAL, BodyKind.JSON, TimeoutKind.DEFAULT);
        }
        if (s.length == 3 && "stream".equals(s[2]) && method == HttpMethod.GET) {
            return route(Downstream.TERMINAL, Budget.GENERAL, BodyKind.JSON, TimeoutKind.DEFAULT);
        }
        return Optional.empty();
    }

    private static Optional<ApiRoute> sessions(HttpMethod method, String[] s) {
        if (s.length == 1) {
            return method == HttpMethod.POST
                    ? route(Downstream.SESSION, Budget.SESSION_CREATION, BodyKind.JSON, TimeoutKind.DEFAULT)
                    : route(Downstream.SESSION, Budget.GENERAL, BodyKind.JSON, TimeoutKind.DEFAULT);
        }
        if (s.length == 3 && "terminal".equals(s[2])) {
            return route(Downstream.TERMINAL, Budget.GENERAL, BodyKind.JSON, TimeoutKind.DEFAULT);
        }
        if (s.length >= 4 && "files".equals(s[2])) {
            return route(Downstream.SESSION, Budget.GENERAL, BodyKind.FILE_BYTES, TimeoutKind.DEFAULT);
        }
        if (s.length == 3 && "files:sync".equals(s[2])) {
            return route(Downstream.SESSION, Budget.GENERAL, BodyKind.FILE_JSON, TimeoutKind.DEFAULT);
        }
        if (s.length == 3 && ("packages".equals(s[2]) || "exec".equals(s[2]))) {
            return route(Downstream.SESSION, Budget.GENERAL, BodyKind.JSON, TimeoutKind.SESSION_COMMANDS);
        }
        return route(Downstream.SESSION, Budget.GENERAL, BodyKind.JSON, TimeoutKind.DEFAULT);
    }

    private static Optional<ApiRoute> route(Downstream target, Budget budget, BodyKind body, TimeoutKind timeout) {
        return Optional.of(new ApiRoute(target, budget, body, timeout));
    }
}
