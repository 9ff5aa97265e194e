package dev.playground.executor;

import com.sun.net.httpserver.HttpServer;
import dev.playground.contract.Principal;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for session-service's internal API ({@code GET /internal/sessions/{id}}) so the executor's run-in-session
 * path is tested against a real container the test creates, without the whole session service.
 */
public class SessionServiceStub implements QuarkusTestResourceLifecycleManager {

    /** session id → owner and the JSON record session-service would answer. */
    static final Map<String, Map.Entry<String, String>> SESSIONS = new ConcurrentHashMap<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/internal/sessions/", exchange -> {
            String id = exchange.getRequestURI().getPath().substring("/internal/sessions/".length());
            var session = SESSIONS.get(id);
            String principal = exchange.getRequestHeaders().getFirst(Principal.HEADER);
            byte[] body;
            if (session == null || !session.getKey().equals(principal)) {
                body = "{\"status\":404}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(404, body.length);
            } else {
                body = session.getValue().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
            }
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return Map.of("quarkus.rest-client.session-service.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
