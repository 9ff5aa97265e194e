package dev.playground.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A frontend's view of the system: HTTP and WebSocket through the gateway with one principal's API key,
 * nothing else. The keys are the files the test command put in {@code .playground/api-keys/}.
 */
public final class Gateway {

    public static final ObjectMapper JSON = new ObjectMapper();
    static final String URL = System.getProperty("playground.url", "http://localhost:8080");
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

    final String principal;
    final String apiKey;

    private Gateway(String principal, String apiKey) {
        this.principal = principal;
        this.apiKey = apiKey;
    }

    /** The gateway's base URL (http://host:port). */
    public static String url() {
        return URL;
    }

    /** The API key this client sends. */
    public String apiKey() {
        return apiKey;
    }

    /** The gateway as seen with the API key of {@code principal}. */
    public static Gateway as(String principal) {
        Path keys = Path.of(System.getProperty("playground.keys", "../.playground/api-keys"));
        try {
            return new Gateway(principal, Files.readString(keys.resolve(principal)).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("no API key for " + principal + " in " + keys, e);
        }
    }

    /** The gateway without any key. */
    public static Gateway anonymous() {
        return new Gateway("anonymous", null);
    }

    public record Reply(int status, Map<String, java.util.List<String>> headers, byte[] bytes) {
        public JsonNode json() {
            try {
                return bytes.length == 0 ? JSON.nullNode() : JSON.readTree(bytes);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }

        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    public Reply get(String path) {
        return send(request(path).GET());
    }

    public Reply delete(String path) {
        return send(request(path).DELETE());
    }

    public Reply post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body))));
    }

    /** A POST that may legitimately take long (a package install), with its own client timeout. */
    public Reply post(String path, Object body, Duration timeout) {
        return send(request(path).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body))));
    }

    public Reply put(String path, byte[] body, String contentType) {
        return send(request(path).header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Reply raw(String method, String path, byte[] body, String contentType) {
        var b = request(path);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /**
     * A GET of a preview URL without the API key, as a browser does: a name under {@code .localhost} is loopback
     * (Chromium resolves it so; Java does not, so the request goes to the gateway with the URL's Host), the first
     * answer's redirect is followed with the cookie it set.
     */
    public static Reply browse(String absoluteUrl) {
        return browse(absoluteUrl, null);
    }

    /** As {@link #browse(String)}, with a cookie the browser already holds for that origin. */
    public static Reply browse(String absoluteUrl, String cookie) {
        URI uri = URI.create(absoluteUrl);
        Reply reply = send(toLoopback(uri, cookie));
        String setCookie = reply.header("Set-Cookie");
        if (reply.status() == 302 && reply.header("Location") != null) {
            String next = uri.resolve(reply.header("Location")).toString();
            return browse(next, setCookie == null ? cookie : setCookie.split(";", 2)[0]);
        }
        return reply;
    }

    /** A request to {@code uri} as a browser sends it: to loopback for *.localhost, with the URL's own Host. */
    static HttpRequest.Builder toLoopback(URI uri, String cookie) {
        URI gateway = URI.create(URL);
        boolean local = uri.getHost().endsWith(".localhost");
        URI target = local ? URI.create(gateway.getScheme() + "://" + gateway.getAuthority() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())) : uri;
        var b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30)).GET();
        if (local) {
            b.header("Host", uri.getAuthority());
        }
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return b;
    }

    HttpRequest.Builder request(String path) {
        var b = HttpRequest.newBuilder(URI.create(URL + path)).timeout(Duration.ofSeconds(60));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    static Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(Object body) {
        try {
            return body instanceof byte[] b ? b : body instanceof String s ? s.getBytes(StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens a WebSocket through the gateway, authenticated with the API key header. */
    public Socket websocket(String path) {
        return Socket.open(URL.replaceFirst("^http", "ws") + path, apiKey);
    }

    public static ObjectNode obj(Object... kv) {
        ObjectNode n = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            n.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        return n;
    }

    /** Asserts a 2xx answer (the contract fixes the body, not always the exact success code). */
    public static Reply ok(Reply r) {
        if (r.status() < 200 || r.status() > 299) {
            throw new AssertionError("expected success, got " + r);
        }
        return r;
    }

    /** Asserts an RFC 9457 problem with the given status and a detail a person can read. */
    public static JsonNode problem(Reply r, int status) {
        if (r.status() != status) {
            throw new AssertionError("expected " + status + ", got " + r);
        }
        String type = r.header("Content-Type");
        if (type == null || !type.startsWith("application/problem+json")) {
            throw new AssertionError("expected application/problem+json, got " + type + ": " + r);
        }
        JsonNode p = r.json();
        if (p.path("status").asInt() != status || p.path("title").asText().isBlank() || p.path("detail").asText().isBlank()) {
            throw new AssertionError("problem lacks status/title/detail: " + p);
        }
        return p;
    }

    /** As {@link #problem(Reply, int)}, and its {@code type} is exactly the catalogue's type of {@code slug}. */
    public static JsonNode problem(Reply r, int status, String slug) {
        JsonNode p = problem(r, status);
        if (!p.path("type").asText().equals(PROBLEM_TYPES + slug)) {
            throw new AssertionError("expected problem type " + PROBLEM_TYPES + slug + ", got " + p);
        }
        return p;
    }

    /** Where every problem type of the API's catalogue lives; a type is this plus its slug. */
    static final String PROBLEM_TYPES = "https://playground.dev/problems/";

    // ---- the calls most scenarios make ----

    /**
     * Runs code synchronously and returns the result, asserting the request itself was accepted. It behaves as a
     * well-behaved client does: a 429 with {@code Retry-After} (the principal's per-minute budget, which scenarios
     * sharing one key can use up between them) is waited out, for at most two minutes in all.
     */
    public JsonNode run(ObjectNode request) {
        return admitted("/api/v1/executions?wait=true", request, 200).json();
    }

    /** Submits a run without waiting for it (202, its record), waiting out a spent budget as {@link #run} does. */
    public JsonNode submit(ObjectNode request) {
        return admitted("/api/v1/executions", request, 202).json();
    }

    private Reply admitted(String path, ObjectNode request, int expected) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Reply r = post(path, request);
            String retryAfter = r.header("Retry-After");
            if (r.status() == 429 && retryAfter != null && System.nanoTime() < deadline) {
                pause(Duration.ofSeconds(Long.parseLong(retryAfter)));
                continue;
            }
            if (r.status() != expected) {
                throw new AssertionError("execution refused: " + r);
            }
            return r;
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public JsonNode createSession(ObjectNode request) {
        Reply r = post("/api/v1/sessions", request);
        if (r.status() != 201) {
            throw new AssertionError("session not created: " + r);
        }
        return r.json();
    }

    public JsonNode exec(String sessionId, String command) {
        Reply r = post("/api/v1/sessions/" + sessionId + "/exec", obj("command", command, "timeoutMs", 60_000));
        if (r.status() != 200) {
            throw new AssertionError("exec refused: " + r);
        }
        return r.json();
    }
}
