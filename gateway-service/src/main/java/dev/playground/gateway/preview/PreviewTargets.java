package dev.playground.gateway.preview;

import dev.playground.contract.Principal;
import dev.playground.contract.problem.ProblemType;
import dev.playground.contract.session.InternalSession;
import dev.playground.contract.session.SessionState;
import dev.playground.gateway.auth.Authenticator;
import dev.playground.gateway.config.GatewayConfig;
import dev.playground.gateway.problem.Problem;
import dev.playground.gateway.problem.ProblemException;
import dev.playground.gateway.proxy.Downstreams;
import dev.playground.gateway.proxy.Guarded;
import dev.playground.gateway.routing.Downstream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Whether a session's preview port can be reached, asked of session-service ({@code GET /internal/sessions/{id}} as
 * the token's owner, signed) and kept briefly, since a page load fetches many assets: a session that is not running,
 * or a port it did not declare, gets a problem a person can act on before any tunnel is tried.
 */
@ApplicationScoped
public class PreviewTargets {

    private static final TypeLiteral<CompletionStage<HttpResponse<Buffer>>> RESPONSE_STAGE = new TypeLiteral<>() {
    };
    private static final int MAX_CACHED = 10_000;

    private record Cached(InternalSession session, long expiresAtNanos) {
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Downstreams downstreams;
    private final GatewayConfig config;
    private final Authenticator authenticator;

    public PreviewTargets(Downstreams downstreams, GatewayConfig config, Authenticator authenticator) {
        this.downstreams = downstreams;
        this.config = config;
        this.authenticator = authenticator;
    }

    /** Succeeds when {@code port} of the owner's session can be previewed; fails with a ProblemException otherwise. */
    public Future<InternalSession> resolve(String sessionId, int port, String owner, String requestId) {
        return session(sessionId, owner, requestId).compose(session -> {
            if (session.state() != SessionState.RUNNING && session.state() != SessionState.STARTING) {
                return Future.failedFuture(new ProblemException(Problem.of(ProblemType.SESSION_NOT_RUNNING, "Session "
                        + sessionId + " is " + session.state() + "; start it with POST /api/v1/sessions/" + sessionId
                        + "/start")));
            }
            if (!session.exposes(port)) {
                return Future.failedFuture(new ProblemException(Problem.of(ProblemType.NOT_FOUND, "Session " + sessionId
                        + " does not expose port " + port + "; create the session with \"ports\": [" + port + "]")));
            }
            return Future.succeededFuture(session);
        });
    }

    private Future<InternalSession> session(String sessionId, String owner, String requestId) {
        String key = sessionId + '\n' + owner;
        Cached cached = cache.get(key);
        long now = System.nanoTime();
        if (cached != null && cached.expiresAtNanos() - now > 0) {
            return Future.succeededFuture(cached.session());
        }
        Downstreams.Endpoint endpoint = downstreams.endpoint(Downstream.SESSION);
        URI base = URI.create(endpoint.baseUrl());
        Supplier<CompletionStage<HttpResponse<Buffer>>> call = () -> downstreams.webClient()
                .get(endpoint.address().port(), endpoint.address().host(),
                        base.getRawPath() + "/internal/sessions/" + URLEncoder.encode(sessionId, StandardCharsets.UTF_8))
                .putHeader(Principal.HEADER, owner)
                .putHeader(Principal.SIGNATURE_HEADER, authenticator.signature(owner))
                .putHeader(Principal.REQUEST_ID_HEADER, requestId)
                .timeout(config.timeouts().defaultTimeout().toMillis())
                .send()
                .toCompletionStage();
        CompletionStage<HttpResponse<Buffer>> outcome = Guarded.call(endpoint.guard(), call, RESPONSE_STAGE);
        return Future.fromCompletionStage(outcome).compose(response -> {
            if (response.statusCode() == 404) {
                return Future.failedFuture(new ProblemException(Problem.of(ProblemType.NOT_FOUND,
                        "There is no session " + sessionId + " for the owner of this preview link")));
            }
            if (response.statusCode() != 200) {
                return Future.failedFuture(new ProblemException(Problem.of(ProblemType.BAD_GATEWAY,
                        "session-service answered " + response.statusCode() + " when asked about session " + sessionId
                                + "; retry shortly")));
            }
            InternalSession session = response.bodyAsJson(InternalSession.class);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(key, new Cached(session, System.nanoTime() + config.preview().targetCacheTtl().toNanos()));
            return Future.succeededFuture(session);
        });
    }
}
