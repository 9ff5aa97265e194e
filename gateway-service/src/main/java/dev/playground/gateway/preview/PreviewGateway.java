package dev.playground.gateway.preview;

import dev.playground.contract.auth.InternalAuth;
import dev.playground.contract.preview.PreviewToken;
import dev.playground.contract.problem.ProblemType;
import dev.playground.gateway.auth.Authenticator;
import dev.playground.gateway.config.GatewayConfig;
import dev.playground.gateway.problem.Problem;
import dev.playground.gateway.problem.ProblemException;
import dev.playground.gateway.problem.RequestIds;
import dev.playground.gateway.proxy.Downstreams;
import dev.playground.gateway.proxy.HttpForwarding;
import dev.playground.gateway.proxy.Upstream;
import dev.playground.gateway.proxy.UpstreamErrors;
import dev.playground.gateway.proxy.WebSocketTunnels;
import dev.playground.gateway.ratelimit.RateLimiter;
import dev.playground.gateway.routing.Budget;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Previews: the web server inside a session, for a browser iframe or tab that carries no API key. Each session port
 * has its own origin, {@code {sessionId}-{port}.{preview host}}, never the API's, so a preview page (its scripts, a
 * service worker it registers) reaches nothing of the API, of Swagger UI, or of another preview. The first request
 * brings the signed token in {@code ?token=}; the gateway answers with a cookie for that origin alone and redirects
 * to the same URL without the token. The request reaches the port through terminal-service's tunnels (the session
 * has no network), as the token's owner.
 */
@ApplicationScoped
public class PreviewGateway {

    /** Name of the cookie that carries the preview token after the first request. */
    public static final String COOKIE = "pg_preview";
    private static final Logger LOG = Logger.getLogger(PreviewGateway.class);

    /** A preview origin's session and port. */
    public record Origin(String sessionId, int port) {
    }

    private final GatewayConfig config;
    private final PreviewTargets targets;
    private final RateLimiter rateLimiter;
    private final Downstreams downstreams;
    private final WebSocketTunnels tunnels;
    private final Authenticator authenticator;
    private final byte[] secret;
    private final Pattern host;

    public PreviewGateway(GatewayConfig config, PreviewTargets targets, RateLimiter rateLimiter, Downstreams downstreams,
            WebSocketTunnels tunnels, Authenticator authenticator) {
        this.config = config;
        this.targets = targets;
        this.rateLimiter = rateLimiter;
        this.downstreams = downstreams;
        this.tunnels = tunnels;
        this.authenticator = authenticator;
        this.secret = InternalAuth.strongSecret("gateway.preview.secret (PLAYGROUND_PREVIEW_SECRET)",
                config.preview().secret());
        String domain = URI.create(config.preview().baseUrl()).getHost().toLowerCase(Locale.ROOT);
        this.host = Pattern.compile("^([a-z0-9][a-z0-9-]{0,62})-(\\d{1,5})\\." + Pattern.quote(domain) + "(?::\\d{1,5})?$");
    }

    /** The session and port a request's Host names, when it is a preview origin. */
    public Optional<Origin> origin(HttpServerRequest request) {
        String authority = request.getHeader("Host");
        if (authority == null) {
            return Optional.empty();
        }
        Matcher m = host.matcher(authority.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(m.group(2));
        return port >= 1 && port <= 65535 ? Optional.of(new Origin(m.group(1), port)) : Optional.empty();
    }

    public void handle(RoutingContext rc, Origin origin, boolean websocket) {
        HttpServerRequest request = rc.request();
        String fromQuery = request.getParam("token");
        String token = fromQuery != null ? fromQuery : cookie(request);
        if (token == null) {
            Problem.of(ProblemType.PREVIEW_TOKEN_MISSING, "Open the session port's previewUrl (it carries ?token=); "
                    + "this browser has no preview cookie for this origin").send(rc);
            return;
        }
        Optional<PreviewToken> verified = PreviewToken.verify(token, secret, Instant.now())
                .filter(t -> t.sessionId().equals(origin.sessionId()) && t.port() == origin.port());
        if (verified.isEmpty()) {
            Problem.of(ProblemType.PREVIEW_TOKEN_INVALID, "The preview token is expired, forged, or for another "
                    + "session or port; fetch the session again (GET /api/v1/sessions/" + origin.sessionId()
                    + ") for a fresh previewUrl").send(rc);
            return;
        }
        PreviewToken claims = verified.get();
        rateLimiter.admit(rc, claims.owner(), Budget.PREVIEW).map(admitted -> {
            if (admitted && (websocket || withinSizeLimit(rc))) {
                forward(rc, origin, websocket, token, fromQuery != null, claims);
            }
            return null;
        }).onFailure(failure -> {
            LOG.errorf(failure, "preview request %s failed in the gateway", (Object) rc.get(RequestIds.CONTEXT_KEY));
            Problem.of(ProblemType.INTERNAL_ERROR, "The gateway failed on this request; retry").send(rc);
        });
    }

    private void forward(RoutingContext rc, Origin origin, boolean websocket, String token, boolean tokenInQuery,
            PreviewToken claims) {
        HttpServerRequest request = rc.request();
        if (tokenInQuery) {
            long maxAge = Math.max(0, Duration.between(Instant.now(), claims.expiresAt()).toSeconds());
            // Host-only (no Domain): the cookie goes to this one origin, never to the API or another preview.
            String cookie = COOKIE + "=" + token + "; Path=/; Max-Age=" + maxAge + "; HttpOnly"
                    + (config.preview().cookieSecure() ? "; Secure; SameSite=None; Partitioned" : "; SameSite=Lax");
            rc.addHeadersEndHandler(v -> rc.response().headers().add("Set-Cookie", cookie));
            if (!websocket && (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)) {
                // The token leaves the address bar (and the page's reach): the cookie carries it from now on.
                request.resume();
                rc.response().setStatusCode(302).putHeader("Cache-Control", "no-store")
                        .putHeader("Location", request.path() + queryWithoutToken(request.query())).end();
                return;
            }
        }
        Authenticator.strip(request);
        stripPreviewCookie(request);
        String requestId = rc.get(RequestIds.CONTEXT_KEY);
        String what = "the preview server on port " + origin.port() + " of session " + origin.sessionId();
        targets.resolve(origin.sessionId(), origin.port(), claims.owner(), requestId).onComplete(ar -> {
            if (ar.failed()) {
                request.resume();
                Throwable cause = UpstreamErrors.unwrap(ar.cause());
                Problem problem = cause instanceof ProblemException pe ? pe.problem()
                        : UpstreamErrors.problemFor(cause, "session-service", config.circuitBreaker().delay().toSeconds());
                problem.send(rc);
                return;
            }
            Upstream upstream = new Upstream(SocketAddress.inetSocketAddress(origin.port(), origin.sessionId()),
                    tunnel(claims.owner()), null, what, 1, config.timeouts().preview().toMillis(),
                    request.path() + queryWithoutToken(request.query()));
            LOG.debugf("request %s preview of session %s port %d", requestId, origin.sessionId(), origin.port());
            if (websocket) {
                tunnels.open(rc, upstream);
            } else {
                HttpForwarding.forward(request, downstreams.client(), upstream);
            }
        });
    }

    /**
     * terminal-service's tunnel server, logged in as the token's owner with the gateway's signature. The same options
     * serve an owner for a minute (the signature stays valid for five): the HTTP client pools connections per proxy
     * login, so a page's many requests share a few tunnels instead of opening one each.
     */
    private ProxyOptions tunnel(String owner) {
        long now = System.nanoTime();
        Login login = logins.compute(owner, (o, old) -> old != null && now - old.madeAt() < LOGIN_REUSE_NANOS ? old
                : new Login(new ProxyOptions().setType(ProxyType.SOCKS5).setHost(config.preview().tunnelHost())
                        .setPort(config.preview().tunnelPort()).setUsername(o).setPassword(authenticator.signature(o)),
                        now));
        if (logins.size() > 10_000) {
            logins.clear();
        }
        return login.options();
    }

    private record Login(ProxyOptions options, long madeAt) {
    }

    private static final long LOGIN_REUSE_NANOS = Duration.ofMinutes(1).toNanos();
    private final java.util.Map<String, Login> logins = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean withinSizeLimit(RoutingContext rc) {
        String length = rc.request().getHeader("Content-Length");
        long limit = config.limits().previewBody().asLongValue();
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > limit) {
            Problem.of(ProblemType.TOO_LARGE, "Preview request bodies are limited to " + limit + " bytes").send(rc);
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
