package dev.playground.terminal.client;

import dev.playground.contract.Principal;
import dev.playground.terminal.config.TerminalConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * session-service's internal API as this service needs it: resolve a session to its container, and report
 * terminal use as session activity. Non-blocking, because it is called from WebSocket callbacks.
 */
@ApplicationScoped
public class SessionDirectory {

    private static final Logger LOG = Logger.getLogger(SessionDirectory.class);

    private final WebClient http;
    private final URI base;
    private final TerminalConfig config;
    /** Last time activity was reported per session, so a busy terminal costs one call per interval. */
    private final Map<String, Long> lastActivityReport = new ConcurrentHashMap<>();

    SessionDirectory(Vertx vertx, TerminalConfig config) {
        this.config = config;
        this.base = URI.create(config.sessionServiceUrl());
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost(base.getHost())
                .setDefaultPort(base.getPort() > 0 ? base.getPort() : tls ? 443 : 80).setSsl(tls).setKeepAlive(true));
    }

    /** The session as its owner sees it; empty when it does not exist for this principal. */
    public Uni<Optional<SessionRecord>> find(String sessionId, String principal) {
        return Uni.createFrom().completionStage(() -> http
                .get(path("/internal/sessions/" + encode(sessionId)))
                .putHeader(Principal.HEADER, principal)
                .timeout(config.httpTimeout().toMillis())
                .send().toCompletionStage())
                .map(response -> {
                    if (response.statusCode() == 404) {
                        return Optional.<SessionRecord>empty();
                    }
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("session-service answered " + response.statusCode()
                                + " for session " + sessionId);
                    }
                    return Optional.of(response.bodyAsJson(SessionRecord.class));
                });
    }

    /** Reports terminal use, at most once per configured interval per session; failures only log. */
    public void reportActivity(String sessionId, String principal) {
        long now = System.nanoTime();
        long interval = config.pty().activityInterval().toNanos();
        boolean due = lastActivityReport.compute(sessionId, (id, last) ->
                last == null || now - last >= interval ? now : last) == now;
        if (!due) {
            return;
        }
        http.post(path("/internal/sessions/" + encode(sessionId) + "/activity"))
                .putHeader(Principal.HEADER, principal)
                .timeout(config.httpTimeout().toMillis())
                .send()
                .onSuccess(r -> {
                    if (r.statusCode() / 100 != 2) {
                        LOG.warnf("session %s: activity report answered %d", sessionId, r.statusCode());
                    }
                })
                .onFailure(e -> LOG.warnf("session %s: activity report failed: %s", sessionId, e.getMessage()));
    }

    /** Forgets the throttle state of a session that is gone. */
    public void forget(String sessionId) {
        lastActivityReport.remove(sessionId);
    }

    private String path(String p) {
        String prefix = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
        return prefix + p;
    }

    static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    @PreDestroy
    void close() {
        http.close();
    }
}
