package dev.playground.gateway;

import dev.playground.contract.Principal;
import dev.playground.gateway.auth.ApiKeys;
import dev.playground.gateway.auth.WebSocketTickets;
import dev.playground.gateway.config.GatewayConfig;
import dev.playground.gateway.health.AggregatedHealth;
import dev.playground.gateway.preview.PreviewGateway;
import dev.playground.gateway.problem.Problem;
import dev.playground.gateway.problem.RequestIds;
import dev.playground.gateway.proxy.Downstreams;
import dev.playground.gateway.proxy.HttpForwarding;
import dev.playground.gateway.proxy.WebSocketTunnels;
import dev.playground.gateway.ratelimit.RateLimiter;
import dev.playground.gateway.routing.ApiRoute;
import dev.playground.gateway.routing.BodyKind;
import dev.playground.gateway.routing.PathSafety;
import dev.playground.gateway.routing.RouteTable;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The front door: every path outside {@code /q/} comes here. In order: request id, path sanity, the gateway's
 * own endpoints, authentication, rate limit, body checks, principal header, then forwarding to the owning service.
 */
@ApplicationScoped
public class GatewayRouter {

    private static final Logger LOG = Logger.getLogger(GatewayRouter.class);
    private static final String HEALTH = "/api/v1/health";
    private static final String TICKETS = "/api/v1/ws-tickets";
    /** Paths this router answers: all but Quarkus' /q/ and the frontend's static files. */
    static final String API_PATHS = "^/(?!q/|q$|$|index\\.html$|assets/|favicon\\.(?:ico|svg)$).*";

    private final GatewayConfig config;
    private final ApiKeys apiKeys;
    private final WebSocketTickets tickets;
    private final RateLimiter rateLimiter;
    private final Downstreams downstreams;
    private final WebSocketTunnels tunnels;
    private final PreviewGateway preview;
    private final AggregatedHealth health;
    private volatile boolean shuttingDown;

    public GatewayRouter(GatewayConfig config, ApiKeys apiKeys, WebSocketTickets tickets, RateLimiter rateLimiter,
            Downstreams downstreams, WebSocketTunnels tunnels, PreviewGateway preview, AggregatedHealth health) {
        this.config = config;
        this.apiKeys = apiKeys;
        this.tickets = tickets;
        this.rateLimiter = rateLimiter;
        this.downstreams = downstreams;
        this.tunnels = tunnels;
        this.preview = preview;
        this.health = health;
    }

    void install(@Observes Router router) {
        // Everything but Quarkus' own /q/ endpoints (health, metrics, OpenAPI, Swagger UI), which need no key, and the
        // browser playground's static files (META-INF/resources: /, /index.html, /assets/**), which hold no secret.
        router.routeWithRegex(API_PATHS).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        // Nothing may be read from the body until the request is forwarded (possibly after async look-ups).
        request.pause();
        String requestId = RequestIds.accept(request.getHeader(Principal.REQUEST_ID_HEADER));
        rc.put(RequestIds.CONTEXT_KEY, requestId);
        request.headers().set(Principal.REQUEST_ID_HEADER, requestId);
        rc.addHeadersEndHandler(v -> rc.response().headers().set(Principal.REQUEST_ID_HEADER, requestId));
        long started = System.nanoTime();
        rc.addEndHandler(v -> LOG.infof("request %s %s %s -> %d in %d ms principal=%s", requestId, request.method(),
                request.path(), rc.response().getStatusCode(), (System.nanoTime() - started) / 1_000_000,
                rc.get("gateway.principal", "-")));

        String path = request.path();
        if (!PathSafety.isCanonical(path)) {
            Problem.of(400, "bad-path", "Bad path",
                    "Paths may not contain empty, '.' or '..' segments (also percent-encoded) or backslashes").send(rc);
            return;
        }
        boolean websocket = isWebSocketUpgrade(request);
        if (websocket && shuttingDown) {
            Problem.of(503, "shutting-down", "Shutting down",
                    "This gateway instance is shutting down; reconnect in a moment").header("Retry-After", "1").send(rc);
            return;
        }
        if (path.startsWith("/preview/")) {
            preview.handle(rc, websocket);
            return;
        }
        if (path.equals(HEALTH)) {
            if (request.method() != HttpMethod.GET) {
                methodNotAllowed(rc, "GET");
                return;
            }
            request.resume();
            health.handle(rc);
            return;
        }
        if (path.equals(TICKETS)) {
            if (request.method() != HttpMethod.POST) {
                methodNotAllowed(rc, "POST");
                return;
            }
            authenticate(rc, false).ifPresent(principal -> {
                if (rateLimiter.admit(rc, principal, dev.playground.gateway.routing.Budget.GENERAL)) {
                    request.resume();
                    WebSocketTickets.Ticket ticket = tickets.issue(principal);
                    rc.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                            .putHeader("Cache-Control", "no-store")
                            .end(new JsonObject().put("ticket", ticket.ticket())
                                    .put("expiresAt", ticket.expiresAt().toString()).encode());
                }
            });
            return;
        }
        Optional<ApiRoute> resolved = RouteTable.resolve(request.method(), path);
        if (resolved.isEmpty()) {
            Problem.of(404, "not-found", "Not found",
                    "No public endpoint " + request.method() + " " + path + "; see /q/swagger-ui for the API").send(rc);
            return;
        }
        ApiRoute route = resolved.get();
        Optional<String> principal = authenticate(rc, websocket);
        if (principal.isEmpty()) {
            return;
        }
        rc.put("gateway.principal", principal.get());
        if (!rateLimiter.admit(rc, principal.get(), route.budget())) {
            return;
        }
        if (!websocket && !bodyAcceptable(rc, route)) {
            return;
        }
        // Services trust this header, so whatever the caller sent in it is dropped; the key stays at the gateway.
        request.headers().remove(Principal.HEADER);
        request.headers().remove("Authorization");
        request.headers().remove("X-Api-Key");
        request.headers().set(Principal.HEADER, principal.get());

        Downstreams.Endpoint endpoint = downstreams.endpoint(route.target());
        long retryAfter = Math.max(1, config.circuitBreaker().delay().toSeconds());
        if (websocket) {
            tunnels.open(rc, downstreams.upgradeClient(), endpoint.address(), request.uri(), endpoint.guard(),
                    route.target().serviceName(), retryAfter, config.timeouts().defaultTimeout().toMillis());
        } else {
            HttpForwarding.forward(request, downstreams.client(), endpoint.address(), timeoutMillis(route),
                    endpoint.guard(), route.target().serviceName(), retryAfter, null);
        }
    }

    private Optional<String> authenticate(RoutingContext rc, boolean websocket) {
        HttpServerRequest request = rc.request();
        String key = null;
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        } else if (request.getHeader("X-Api-Key") != null) {
            key = request.getHeader("X-Api-Key");
        }
        if (key != null) {
            Optional<String> principal = apiKeys.principalFor(key);
            if (principal.isEmpty()) {
                unauthorized(rc, "The API key is not valid; check it, or ask the operator for one");
            }
            return principal;
        }
        String ticket = websocket ? request.getParam("ticket") : null;
        if (ticket != null) {
            Optional<String> principal = tickets.redeem(ticket);
            if (principal.isEmpty()) {
                unauthorized(rc, "The WebSocket ticket is unknown, used or expired; tickets are single-use and "
                        + "short-lived: get a new one with POST " + TICKETS + " just before connecting");
            }
            return principal;
        }
        unauthorized(rc, websocket
                ? "Authenticate the upgrade with 'Authorization: Bearer <key>', 'X-Api-Key', or ?ticket= from POST " + TICKETS
                : "Send your API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'");
        return Optional.empty();
    }

    private static void unauthorized(RoutingContext rc, String detail) {
        Problem.of(401, "unauthorized", "Unauthorized", detail).header("WWW-Authenticate", "Bearer").send(rc);
    }

    private boolean bodyAcceptable(RoutingContext rc, ApiRoute route) {
        HttpServerRequest request = rc.request();
        String lengthHeader = request.getHeader("Content-Length");
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (chunked && lengthHeader == null) {
            // Every limit below is decided before the first byte is forwarded, which needs the declared length.
            Problem.of(411, "length-required", "Length required",
                    "Send request bodies with a Content-Length header (chunked uploads are not accepted)").send(rc);
            return false;
        }
        long length = 0;
        if (lengthHeader != null) {
            if (!lengthHeader.matches("\\d{1,18}")) {
                Problem.of(400, "bad-content-length", "Bad Content-Length",
                        "Content-Length must be a non-negative integer").send(rc);
                return false;
            }
            length = Long.parseLong(lengthHeader);
        }
        long limit = switch (route.body()) {
            case JSON -> config.limits().jsonBody().asLongValue();
            case EXECUTION_JSON -> config.limits().executionBody().asLongValue();
            case FILE_JSON, FILE_BYTES -> config.limits().fileBody().asLongValue();
        };
        if (length > limit) {
            Problem.of(413, "payload-too-large", "Payload too large",
                    "This endpoint accepts request bodies up to " + limit + " bytes; this one declares " + length)
                    .with("maxBytes", limit).send(rc);
            return false;
        }
        if (length > 0 && route.body() != BodyKind.FILE_BYTES && !isJson(request.getHeader("Content-Type"))) {
            Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "Send this body as JSON with 'Content-Type: application/json'").send(rc);
            return false;
        }
        return true;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private long timeoutMillis(ApiRoute route) {
        return switch (route.timeout()) {
            case DEFAULT -> config.timeouts().defaultTimeout().toMillis();
            case EXECUTIONS -> config.timeouts().executions().toMillis();
            case SESSION_COMMANDS -> config.timeouts().sessionCommands().toMillis();
        };
    }

    private static void methodNotAllowed(RoutingContext rc, String allow) {
        Problem.of(405, "method-not-allowed", "Method not allowed", "Use " + allow + " on " + rc.request().path())
                .header("Allow", allow).send(rc);
    }

    private static boolean isWebSocketUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return request.method() == HttpMethod.GET && upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    /** Shutdown starts: refuse new WebSockets and close open ones with a reason, while HTTP requests drain. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        closeWebSockets();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        closeWebSockets();
    }

    private void closeWebSockets() {
        shuttingDown = true;
        tunnels.closeAll(WebSocketTunnels.GOING_AWAY, "gateway shutting down", 2000);
    }
}
