package dev.playground.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Stand-ins for executor-, session- and terminal-service plus one session container's dev server, as real
 * Vert.x HTTP/WebSocket servers in the test JVM. Each answers with what it received (service, method, URI,
 * principal, request id, body size), so a test sees exactly what the gateway forwarded. They can be stopped and
 * started again on the same port.
 */
public class TestBackends implements QuarkusTestResourceLifecycleManager {

    public static final String ALICE_KEY = "pg_test_alice_key";
    public static final String BOB_KEY = "pg_test_bob_key";
    public static final String CAROL_KEY = "pg_test_carol_key";
    /** Principals of SharedStateTest, whose budgets no other test spends. */
    public static final String DAVE_KEY = "pg_test_dave_key";
    public static final String ERIN_KEY = "pg_test_erin_key";
    /** The session (owned by alice) whose port 3000 the preview tests reach. */
    public static final String PREVIEW_SESSION = "sess-preview-1";

    static Vertx vertx;
    static final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
    static final Map<String, Integer> ports = new ConcurrentHashMap<>();

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        for (String name : new String[] {"executor-service", "session-service", "terminal-service", "preview"}) {
            startServer(name, 0);
        }
        int tunnel = TunnelStandIn.start(ports.get("preview"));
        return Map.of(
                "gateway.preview.tunnel-host", "127.0.0.1",
                "gateway.preview.tunnel-port", Integer.toString(tunnel),
                "gateway.services.executor-url", "http://127.0.0.1:" + ports.get("executor-service"),
                "gateway.services.session-url", "http://127.0.0.1:" + ports.get("session-service"),
                "gateway.services.terminal-url", "http://127.0.0.1:" + ports.get("terminal-service"),
                "gateway.api-keys", "alice:" + sha256(ALICE_KEY) + ",bob:" + sha256(BOB_KEY) + ",carol:" + sha256(CAROL_KEY)
                        + ",dave:" + sha256(DAVE_KEY) + ",erin:" + sha256(ERIN_KEY));
    }

    @Override
    public void stop() {
        TunnelStandIn.stop();
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Stops a backend: its port refuses connections from now on. */
    static void stopServer(String name) {
        HttpServer server = servers.remove(name);
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    /** Starts a backend again on the port it had. */
    static void restartServer(String name) {
        startServer(name, ports.get(name));
    }

    private static void startServer(String name, int port) {
        HttpServer server = vertx.createHttpServer()
                .webSocketHandler(ws -> onWebSocket(name, ws))
                .requestHandler(req -> onRequest(name, req));
        server = server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS).join();
        servers.put(name, server);
        ports.put(name, server.actualPort());
    }

    private static void onRequest(String name, HttpServerRequest req) {
        String principal = req.getHeader("X-Playground-Principal");
        boolean signed = principal != null && AUTH.verify(principal, req.getHeader("X-Playground-Principal-Signature"),
                java.time.Instant.now());
        if (name.equals("session-service") && req.path().startsWith("/internal/sessions/")) {
            String id = req.path().substring("/internal/sessions/".length());
            // Like session-service: another principal's session does not exist.
            if (!id.equals(PREVIEW_SESSION) || !"alice".equals(principal) || !signed) {
                req.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json")
                        .end(new JsonObject().put("status", 404).put("detail", "no session " + id).encode());
                return;
            }
            req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                    .put("id", id).put("owner", "alice").put("state", "RUNNING").put("host", "local")
                    .put("containerId", "c-1").put("workdir", "/workspace").put("ports", new JsonArray().add(3000))
                    .encode());
            return;
        }
        if (req.path().endsWith("/missing")) {
            req.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json")
                    .end(new JsonObject().put("status", 404).put("detail", "not here").encode());
            return;
        }
        if (req.path().endsWith("/overloaded") || "overloaded".equals(req.query())) {
            // A service shedding load speaks for itself: a problem document with Retry-After.
            req.response().setStatusCode(503).putHeader("Content-Type", "application/problem+json")
                    .putHeader("Retry-After", "1")
                    .end(new JsonObject().put("status", 503).put("detail", name + " is overloaded").encode());
            return;
        }
        if ("broken".equals(req.query())) {
            // Something in front of a service that cannot serve (a bare 503, no problem document).
            req.response().setStatusCode(503).putHeader("Content-Type", "text/plain").end("Service Unavailable");
            return;
        }
        req.body().onSuccess(body -> {
            JsonObject echo = new JsonObject()
                    .put("service", name)
                    .put("method", req.method().name())
                    .put("uri", req.uri())
                    .put("principal", principal)
                    .put("signed", signed)
                    .put("principalHeaders", req.headers().getAll("X-Playground-Principal").size())
                    .put("requestId", req.getHeader("X-Request-Id"))
                    .put("apiKeyForwarded", req.getHeader("X-Api-Key") != null || req.getHeader("Authorization") != null)
                    .put("cookie", req.getHeader("Cookie"))
                    .put("forwardedPrefix", req.getHeader("X-Forwarded-Prefix"))
                    .put("bodyBytes", body.length());
            long delay = req.path().endsWith("/slow") ? 1500 : 0;
            Runnable answer = () -> req.response().putHeader("Content-Type", "application/json").end(echo.encode());
            if (delay > 0) {
                vertx.setTimer(delay, t -> answer.run());
            } else {
                answer.run();
            }
        });
    }

    private static void onWebSocket(String name, ServerWebSocket ws) {
        if (ws.path().contains("/someone-elses/")) {
            // Like terminal-service for another principal's session: the upgrade is refused with 404.
            ws.reject(404);
            return;
        }
        JsonObject hello = new JsonObject()
                .put("service", name)
                .put("uri", ws.uri())
                .put("principal", ws.headers().get("X-Playground-Principal"))
                .put("requestId", ws.headers().get("X-Request-Id"));
        ws.writeTextMessage(hello.encode());
        ws.textMessageHandler(text -> ws.writeTextMessage(name + " echo: " + text));
        ws.binaryMessageHandler(bytes -> ws.writeBinaryMessage(Buffer.buffer().appendBuffer(bytes).appendBuffer(bytes)));
    }

    private static final dev.playground.contract.auth.InternalAuth AUTH = dev.playground.contract.auth.InternalAuth
            .withSecret("test", java.util.Optional.of(dev.playground.contract.testing.TestSecrets.INTERNAL));

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
