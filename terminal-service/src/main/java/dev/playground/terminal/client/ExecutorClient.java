package dev.playground.terminal.client;

import dev.playground.contract.Principal;
import dev.playground.terminal.config.TerminalConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;

/** executor-service's public run endpoint, for {@code {"type":"run"}} on {@code /api/v1/executions/stream}. */
@ApplicationScoped
public class ExecutorClient {

    private final WebClient http;
    private final URI base;
    private final TerminalConfig config;

    ExecutorClient(Vertx vertx, TerminalConfig config) {
        this.config = config;
        this.base = URI.create(config.executorServiceUrl());
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        this.http = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions().setDefaultHost(base.getHost())
                .setDefaultPort(base.getPort() > 0 ? base.getPort() : tls ? 443 : 80).setSsl(tls));
    }

    /** Starts an execution (never waiting for it); returns its id. */
    public Uni<String> start(JsonObject request, String principal) {
        String prefix = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
        return Uni.createFrom().completionStage(() -> http
                        .post(prefix + "/api/v1/executions")
                        .putHeader(Principal.HEADER, principal)
                        .timeout(config.httpTimeout().toMillis())
                        .sendJsonObject(request).toCompletionStage())
                .map(response -> {
                    JsonObject body = null;
                    try {
                        body = response.bodyAsJsonObject();
                    } catch (RuntimeException notJson) {
                        // fall through to the status-based detail below
                    }
                    if (response.statusCode() / 100 != 2 || body == null || body.getString("id") == null) {
                        String detail = body != null && body.getString("detail") != null ? body.getString("detail")
                                : "executor-service answered " + response.statusCode();
                        throw new RejectedRun(detail);
                    }
                    return body.getString("id");
                });
    }

    @PreDestroy
    void close() {
        http.close();
    }

    /** executor-service refused a run request; the message is its problem detail, meant for the user. */
    public static final class RejectedRun extends RuntimeException {
        public RejectedRun(String detail) {
            super(detail);
        }
    }
}
