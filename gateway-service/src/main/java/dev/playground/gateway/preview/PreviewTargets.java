package dev.playground.gateway.preview;

import dev.playground.contract.Principal;
import dev.playground.gateway.config.GatewayConfig;
import dev.playground.gateway.problem.Problem;
import dev.playground.gateway.problem.ProblemException;
import dev.playground.gateway.proxy.Downstreams;
import dev.playground.gateway.routing.Downstream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where a session's preview port lives on the preview network, asked of session-service
 * ({@code GET /internal/sessions/{id}} as the token's owner) and kept briefly, since a page load fetches many assets.
 */
@ApplicationScoped
public class PreviewTargets {

    private static final TypeLiteral<CompletionStage<HttpResponse<Buffer>>> RESPONSE_STAGE = new TypeLiteral<>() {
    };
    private static final int MAX_CACHED = 10_000;

    private record Cached(JsonObject session, long expiresAtNanos) {
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Downstreams downstreams;
    private final GatewayConfig config;

    public PreviewTargets(Downstreams downstreams, GatewayConfig config) {
        this.downstreams = downstreams;
        this.config = config;
    }

    /** The address of {@code port} of the owner's session; fails with a ProblemException the caller can answer. */
    public Future<SocketAddress> resolve(String sessionId, int port, String owner, String requestId) {
        return session(sessionId, owner, requestId).compose(session -> {
            String state = session.getString("state", "");
            if (!"RUNNING".equals(state) && !"STARTING".equals(state)) {
                return Future.failedFuture(new ProblemException(Problem.of(409, "session-not-running",
                        "Session not running", "Session " + sessionId + " is " + state
                                + "; start it with POST /api/v1/sessions/" + sessionId + "/start")));
            }
            JsonArray ports = session.getJsonArray("ports", new JsonArray());
            for (int i = 0; i < ports.size(); i++) {
                JsonObject p = ports.getJsonObject(i);
                if (p.getInteger("port", -1) == port && p.getString("host") != null) {
                    return Future.succeededFuture(SocketAddress.inetSocketAddress(
                            p.getInteger("targetPort", port), p.getString("host")));
                }
            }
            return Future.failedFuture(new ProblemException(Problem.of(404, "preview-port-unknown", "Preview port unknown",
                    "Session " + sessionId + " does not expose port " + port
                            + "; create the session with \"ports\": [" + port + "]")));
        });
    }

    private Future<JsonObject> session(String sessionId, String owner, String requestId) {
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
                .putHeader(Principal.REQUEST_ID_HEADER, requestId)
                .timeout(config.timeouts().defaultTimeout().toMillis())
                .send()
                .toCompletionStage();
        CompletionStage<HttpResponse<Buffer>> outcome;
        try {
            outcome = endpoint.guard().get(call, RESPONSE_STAGE);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedStage(e);
        }
        return Future.fromCompletionStage(outcome).compose(response -> {
            if (response.statusCode() == 404) {
                return Future.failedFuture(new ProblemException(Problem.of(404, "session-not-found", "Session not found",
                        "There is no session " + sessionId + " for the owner of this preview link")));
            }
            if (response.statusCode() != 200) {
                return Future.failedFuture(new ProblemException(Problem.of(502, "bad-gateway", "Bad gateway",
                        "session-service answered " + response.statusCode() + " when asked where session " + sessionId
                                + " lives; retry shortly")));
            }
            JsonObject session = response.bodyAsJsonObject();
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(key, new Cached(session, System.nanoTime() + config.preview().targetCacheTtl().toNanos()));
            return Future.succeededFuture(session);
        });
    }
}
