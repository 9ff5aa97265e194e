package dev.playground.gateway.preview;

import dev.playground.contract.Principal;
import dev.playground.contract.preview.PreviewToken;
import dev.playground.gateway.config.GatewayConfig;
import dev.playground.gateway.problem.Problem;
import dev.playground.gateway.problem.ProblemException;
import dev.playground.gateway.problem.RequestIds;
import dev.playground.gateway.proxy.Downstreams;
import dev.playground.gateway.proxy.HttpForwarding;
import dev.playground.gateway.proxy.UpstreamErrors;
import dev.playground.gateway.proxy.WebSocketTunnels;
import dev.playground.gateway.ratelimit.RateLimiter;
import dev.playground.gateway.routing.Budget;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * {@code /preview/{sessionId}/{port}/**}: the web server inside a session container, for a browser iframe that
 * carries no API key. The first request brings the signed token in {@code ?token=}; the gateway answers with a
 * cookie scoped to {@code /preview/{sessionId}/{port}/}, so the page's relative asset and WebSocket (hot reload)
 * requests are let in too. The container sees the path below that prefix, and the prefix in X-Forwarded-Prefix.
 */
@ApplicationScoped
public class PreviewGateway {

    /** Name of the cookie that carries the preview token after the first request. */
    public static final String COOKIE = "pg_preview";
    private static final Logger LOG = Logger.getLogger(PreviewGateway.class);
    private static final Pattern PATH = Pattern.compile("^/preview/([A-Za-z0-9_-]{1,64})/(\\d{1,5})(/.*)?$");

    private final GatewayConfig config;
    private final PreviewTargets targets;
    private final RateLimiter rateLimiter;
    private final Downstreams downstreams;
    private final WebSocketTunnels tunnels;
    private final byte[] secret;

    public PreviewGateway(GatewayConfig config, PreviewTargets targets, RateLimiter rateLimiter, Downstreams downstreams,
            WebSocketTunnels tunnels) {
        this.config = config;
        this.targets = targets;
        this.rateLimiter = rateLimiter;
        this.downstreams = downstreams;
        this.tunnels = tunnels;
        this.secret = config.preview().secret().filter(s -> !s.isBlank())
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
        if (secret == null) {
            LOG.warn("PLAYGROUND_PREVIEW_SECRET is empty: every preview request will be refused");
        }
    }

    public void handle(RoutingContext rc, boolean websocket) {
        HttpServerRequest request = rc.request();
        Matcher m = PATH.matcher(request.path());
        if (!m.matches()) {
            Problem.of(404, "not-found", "Not found",
                    "Preview URLs look like /preview/{sessionId}/{port}/; use the previewUrl of the session's port").send(rc);
            return;
        }
        String sessionId = m.group(1);
        int port = Integer.parseInt(m.group(2));
        if (m.group(3) == null) {
            // Without the trailing slash the page's relative URLs would resolve outside the preview prefix.
            String query = request.query();
            request.resume();
            rc.response().setStatusCode(308)
                    .putHeader("Location", request.path() + "/" + (query == null ? "" : "?" + query)).end();
            return;
        }
        String fromQuery = request.getParam("token");
        String token = fromQuery != null ? fromQuery : cookie(request);
        if (token == null) {
            Problem.of(401, "preview-token-missing", "Preview token missing",
                    "Open the session port's previewUrl (it carries ?token=); this browser has no preview cookie for "
                            + "/preview/" + sessionId + "/" + port + "/").send(rc);
            return;
        }
        Optional<PreviewToken> verified = secret == null ? Optional.empty()
                : PreviewToken.verify(token, secret, Instant.now());
        if (verified.isEmpty() || !verified.get().sessionId().equals(sessionId) || verified.get().port() != port) {
            Problem.of(403, "preview-token-invalid", "Preview token invalid",
                    "The preview token is expired, forged, or for another session or port; fetch the session again "
                            + "(GET /api/v1/sessions/" + sessionId + ") for a fresh previewUrl").send(rc);
            return;
        }
        PreviewToken claims = verified.get();
        if (!rateLimiter.admit(rc, claims.owner(), Budget.PREVIEW)) {
            return;
        }
        if (!websocket && !withinSizeLimit(rc)) {
            return;
        }
        String requestId = rc.get(RequestIds.CONTEXT_KEY);
        String prefix = "/preview/" + sessionId + "/" + port;
        String uri = m.group(3) + queryWithoutToken(request.query());
        String what = "the preview server on port " + port + " of session " + sessionId;
        request.headers().remove(Principal.HEADER);
        request.headers().remove("X-Api-Key");
        stripPreviewCookie(request);
        request.headers().set("X-Forwarded-Prefix", prefix);
        if (fromQuery != null) {
            long maxAge = Math.max(0, Duration.between(Instant.now(), claims.expiresAt()).toSeconds());
            String cookie = COOKIE + "=" + token + "; Path=" + prefix + "/; Max-Age=" + maxAge + "; HttpOnly"
                    + (config.preview().cookieSecure() ? "; Secure; SameSite=None" : "; SameSite=Lax");
            rc.addHeadersEndHandler(v -> rc.response().headers().add("Set-Cookie", cookie));
        }
        targets.resolve(sessionId, port, claims.owner(), requestId).onComplete(ar -> {
            if (ar.failed()) {
                request.resume();
                Throwable cause = UpstreamErrors.unwrap(ar.cause());
                Problem problem = cause instanceof ProblemException pe ? pe.problem()
                        : UpstreamErrors.problemFor(cause, "session-service", config.circuitBreaker().delay().toSeconds());
                problem.send(rc);
                return;
            }
            LOG.debugf("request %s preview of session %s port %d -> %s", requestId, sessionId, port, ar.result());
            if (websocket) {
                tunnels.open(rc, downstreams.upgradeClient(), ar.result(), uri, null, what, 1,
                        config.timeouts().preview().toMillis());
            } else {
                HttpForwarding.forward(request, downstreams.client(), ar.result(),
                        config.timeouts().preview().toMillis(), null, what, 1, uri);
            }
        });
    }

    private boolean withinSizeLimit(RoutingContext rc) {
        String length = rc.request().getHeader("Content-Length");
        long limit = config.limits().previewBody().asLongValue();
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > limit) {
            Problem.of(413, "payload-too-large", "Payload too large",
                    "Preview request bodies are limited to " + limit + " bytes").send(rc);
            return false;
        }
        return true;
    }

    private static String cookie(HttpServerRequest request) {
        String header = request.getHeader("Cookie");
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(COOKIE + "=")) {
                return p.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }

    /** The user's dev server has no business seeing the gateway's token. */
    private static void stripPreviewCookie(HttpServerRequest request) {
        String header = request.getHeader("Cookie");
        if (header == null) {
            return;
        }
        StringJoiner kept = new StringJoiner("; ");
        for (String part : header.split(";")) {
            String p = part.trim();
            if (!p.isEmpty() && !p.startsWith(COOKIE + "=")) {
                kept.add(p);
            }
        }
        if (kept.length() == 0) {
            request.headers().remove("Cookie");
        } else {
            request.headers().set("Cookie", kept.toString());
        }
    }

    private static String queryWithoutToken(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringJoiner kept = new StringJoiner("&", "?", "");
        kept.setEmptyValue("");
        for (String pair : query.split("&")) {
            if (!pair.equals("token") && !pair.startsWith("token=")) {
                kept.add(pair);
            }
        }
        return kept.toString();
    }
}
