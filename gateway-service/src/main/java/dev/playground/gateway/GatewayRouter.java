package dev.playground.gateway;

import dev.playground.contract.Principal;
import dev.playground.contract.problem.ProblemType;
import dev.playground.gateway.auth.Authenticator;
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
import dev.playground.gateway.routing.Budget;
import dev.playground.gateway.routing.PathSafety;
import dev.playground.gateway.routing.RouteTable;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
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
 * The front door. A request for a preview origin ({@code {sessionId}-{port}.{preview host}}) goes to
 * {@link PreviewGateway} whatever its path; on the API origin every path outside {@code /q/} and the browser
 * playground's static files comes here: request id, path sanity, the gateway's own endpoints, authentication, rate
 * limit, body checks, the signed principal, then forwarding to the owning service.
 */
@ApplicationScoped
public class GatewayRouter {

    private static final Logger LOG = Logger.getLogger(GatewayRouter.class);
    private static final String HEALTH = "/api/v1/health";
    /** Paths this router answers: all but Quarkus' /q/ and the frontend's static files. */
    static final String API_PATHS = "^/(?!q/|q$|$|index\\.html$|assets/|favicon\\.(?:ico|svg)$).*";

    private final GatewayConfig config;
    private final Authenticator authenticator;
    private final WebSocketTickets tickets;
    private final RateLimiter rateLimiter;
    private final Downstreams downstreams;
    private final WebSocketTunnels tunnels;
    private final PreviewGateway preview;
    private final AggregatedHealth health;
    private volatile boolean shuttingDown;

    public GatewayRouter(GatewayConfig config, Authenticator authenticator, WebSocketTickets tickets,
            RateLimiter rateLimiter, Downstreams downstreams, WebSocketTunnels tunnels, PreviewGateway preview,
            AggregatedHealth health) {
        this.config = config;
        this.authenticator = authenticator;
        this.tickets = tickets;
        this.rateLimiter = rateLimiter;
        this.downstreams = downstreams;
        this.tunnels = tunnels;
        this.preview = preview;
        this.health = health;
    }

    void install(@Observes Router router) {
        // Before anything else (static files, /q/): a preview origin serves nothing of the API's, whatever the path.
        router.route().order(Integer.MIN_VALUE + 100).handler(rc -> {
            Optional<PreviewGateway.Origin> origin = preview.origin(rc.request());
            if (origin.isEmpty()) {
                rc.next();
            } else if (begin(rc)) {
                preview.handle(rc, origin.get(), isWebSocketUpgrade(rc.request()));
            }
        });
        router.routeWithRegex(API_PATHS).handler(rc -> {
            if (begin(rc)) {
                handle(rc);
            }
        });
    }

    /** What every request gets: paused body, a request id, an access log line, path sanity. False when answered. */
    private boolean begin(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        // Nothing may be read from the body until the request is forwarded (possibly after async look-ups).
        request.pause();
        String requestId = RequestIds.accept(request.getHeader(Principal.REQUEST_ID_HEADER));
        rc.put(RequestIds.CONTEXT_KEY, requestId);
        request.headers().set(Principal.REQUEST_ID_HEADER, requestId);
        rc.addHeadersEndHandler(v -> rc.response().headers().set(Principal.REQUEST_ID_HEADER, requestId));
        long started = System.nanoTime();
        rc.addEndHandler(v -> LOG.infof("request %s %s %s%s -> %d in %d ms principal=%s", requestId, request.method(),
                request.authority() == null ? "" : request.authority(), request.path(), rc.response().getStatusCode(),
                (System.nanoTime() - started) / 1_000_000, rc.get("gateway.principal", "-")));
        if (!PathSafety.isCanonical(request.path())) {
            Problem.of(ProblemType.BAD_PATH,
                    "Paths may not contain empty, '.' or '..' segments (also percent-encoded) or backslashes").send(rc);
            return false;
        }
        if (shuttingDown && isWebSocketUpgrade(request)) {
            Problem.of(ProblemType.SHUTTING_DOWN, "This gateway instance is shutting down; reconnect in a moment")
                    .header("Retry-After", "1").send(rc);
            return false;
        }
        return true;
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String path = request.path();
        if (path.equals(HEALTH)) {
            if (allowed(rc, HttpMethod.GET)) {
                request.resume();
                health.handle(rc);
            }
            return;
        }
        if (path.equals(Authenticator.TICKETS)) {
            if (allowed(rc, HttpMethod.POST)) {
                issueTicket(rc);
            }
            return;
        }
        Optional<ApiRoute> route = RouteTable.resolve(request.method(), path);
        if (route.isEmpty()) {
            Problem.of(ProblemType.NOT_FOUND, "No public endpoint " + request.method() + " " + path
                    + "; see /q/swagger-ui for the API").send(rc);
            return;
        }
        boolean websocket = isWebSocketUpgrade(request);
        // Authentication and the rate limit may ask the shared store (off the event loop); the body waits, paused.
        authenticator.authenticate(rc, websocket)
                .compose(principal -> principal.isEmpty() ? Future.succeededFuture()
                        : rateLimiter.admit(rc, principal.get(), route.get().budget()).map(admitted -> {
                            if (admitted && (websocket || bodyAcceptable(rc, route.get()))) {
                                forward(rc, route.get(), principal.get(), websocket);
                            }
                            return null;
                        }))
                .onFailure(failure -> failed(rc, failure));
    }

    /** A bug, not a refusal: the caller gets a problem instead of waiting for a timeout. */
    private static void failed(RoutingContext rc, Throwable failure) {
        LOG.errorf(failure, "request %s failed in the gateway", (Object) rc.get(RequestIds.CONTEXT_KEY));
        Problem.of(ProblemType.INTERNAL_ERROR, "The gateway failed on this request; retry, and report the request id"
                + " if it persists").send(rc);
    }

    private void forward(RoutingContext rc, ApiRoute route, String principal, boolean websocket) {
        rc.put("gateway.principal", principal);
        authenticator.forward(rc.request(), principal);
        var upstream = downstreams.upstream(route.target(), timeoutMillis(route, websocket));
        if (websocket) {
            tunnels.open(rc, upstream);
        } else {
            HttpForwarding.forward(rc.request(), downstreams.client(), upstream);
        }
    }

    private void issueTicket(RoutingContext rc) {
        authenticator.authenticate(rc, false)
                .compose(principal -> principal.isEmpty() ? Future.succeededFuture()
                        : rateLimiter.admit(rc, principal.get(), Budget.GENERAL).map(admitted -> {
                            if (admitted) {
                                rc.request().resume();
                                WebSocketTickets.Ticket ticket = tickets.issue(principal.get());
                                rc.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                                        .putHeader("Cache-Control", "no-store")
                                        .end(new JsonObject().put("ticket", ticket.ticket())
                                                .put("expiresAt", ticket.expiresAt().toString()).encode());
                            }
                            return null;
                        }))
                .onFailure(failure -> failed(rc, failure));
    }

    private boolean bodyAcceptable(RoutingContext rc, ApiRoute route) {
        HttpServerRequest request = rc.request();
        String lengthHeader = request.getHeader("Content-Length");
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (chunked && lengthHeader == null) {
            // Every limit below is decided before the first byte is forwarded, which needs the declared length.
            Problem.of(ProblemType.LENGTH_REQUIRED,
                    "Send request bodies with a Content-Length header (chunked uploads are not accepted)").send(rc);
            return false;
        }
        long length = 0;
        if (lengthHeader != null) {
            if (!lengthHeader.matches("\\d{1,18}")) {
                Problem.of(ProblemType.BAD_CONTENT_LENGTH, "Content-Length must be a non-negative integer").send(rc);
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
            Problem.of(ProblemType.TOO_LARGE, "This endpoint accepts request bodies up to " + limit
                    + " bytes; this one declares " + length).with("maxBytes", limit).send(rc);
            return false;
        }
        if (length > 0 && route.body() != BodyKind.FILE_BYTES && !isJson(request.getHeader("Content-Type"))) {
            Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send this body as JSON with 'Content-Type: application/json'")
                    .send(rc);
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

    private long timeoutMillis(ApiRoute route, boolean websocket) {
        if (websocket) {
            return config.timeouts().defaultTimeout().toMillis();
        }
        return switch (route.timeout()) {
            case DEFAULT -> config.timeouts().defaultTimeout().toMillis();
            case EXECUTIONS -> config.timeouts().executions().toMillis();
            case SESSION_COMMANDS -> config.timeouts().sessionCommands().toMillis();
        };
    }

    private static boolean allowed(RoutingContext rc, HttpMethod method) {
        if (rc.request().method() == method) {
            return true;
        }
        Problem.of(ProblemType.METHOD_NOT_ALLOWED, "Use " + method + " on " + rc.request().path())
                .header("Allow", method.name()).send(rc);
        return false;
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
