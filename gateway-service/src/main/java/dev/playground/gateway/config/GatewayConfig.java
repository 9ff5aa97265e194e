package dev.playground.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** Everything the gateway can be told; each key has an env-var override named in application.properties. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Where the downstream services live. */
    Services services();

    /** API keys as {@code principal:sha256hex[,principal:sha256hex...]} (env GATEWAY_API_KEYS); empty = no key works. */
    @WithName("api-keys")
    Optional<String> apiKeys();

    /** WebSocket tickets: for browsers, which cannot put a header on an upgrade. */
    Tickets tickets();

    /** Per-principal token buckets. */
    @WithName("rate-limit")
    RateLimits rateLimit();

    /**
     * What every gateway instance must agree on, kept in PostgreSQL: rate-limit buckets and the nonces of redeemed
     * WebSocket tickets. The connection is {@code quarkus.datasource.*} (env DB_JDBC_URL, DB_USER, DB_PASSWORD).
     */
    @WithName("shared-state")
    SharedState sharedState();

    /** Request body size caps per kind of route. */
    Limits limits();

    /** How long the gateway waits for a downstream answer, per kind of route. */
    Timeouts timeouts();

    /** Circuit breaker per downstream service. */
    @WithName("circuit-breaker")
    Breaker circuitBreaker();

    /** Preview routing into session containers. */
    Preview preview();

    interface Services {
        /** Base URL of executor-service (env EXECUTOR_SERVICE_URL). */
        @WithName("executor-url")
        @WithDefault("http://executor-service:8080")
        String executorUrl();

        /** Base URL of session-service (env SESSION_SERVICE_URL). */
        @WithName("session-url")
        @WithDefault("http://session-service:8080")
        String sessionUrl();

        /** Base URL of terminal-service (env TERMINAL_SERVICE_URL). */
        @WithName("terminal-url")
        @WithDefault("http://terminal-service:8080")
        String terminalUrl();

        /** How long to wait for a TCP connection to a service before calling it unreachable. */
        @WithName("connect-timeout")
        @WithDefault("2s")
        Duration connectTimeout();

        /** Timeout of each service's readiness probe behind GET /api/v1/health. */
        @WithName("health-timeout")
        @WithDefault("2s")
        Duration healthTimeout();
    }

    interface Tickets {
        /** How long a WebSocket ticket stays valid; it is also single-use. */
        @WithDefault("30s")
        Duration ttl();
    }

    interface RateLimits {
        /** Budget for starting executions (POST /api/v1/executions, the executions/stream WebSocket). */
        Bucket executions();

        /** Budget for creating sessions (POST /api/v1/sessions). */
        @WithName("session-creation")
        Bucket sessionCreation();

        /** Budget for every other API request. */
        @WithName("general")
        Bucket general();

        /** Budget for preview traffic (a dev server page load fetches many assets). */
        Bucket preview();
    }

    interface SharedState {
        /**
         * Keep rate limits and ticket single-use in PostgreSQL, across instances (env GATEWAY_SHARED_STATE); false:
         * each instance on its own, right only for a single gateway.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Longest wait for one PostgreSQL operation (env GATEWAY_SHARED_STATE_TIMEOUT): past it the request is decided
         * by this instance alone and the store counts as down until a probe reaches it again.
         */
        @WithDefault("500ms")
        Duration timeout();

        /** How often a store that is down is probed again (env GATEWAY_SHARED_STATE_RETRY). */
        @WithName("retry-interval")
        @WithDefault("5s")
        Duration retryInterval();

        /** PostgreSQL operations in flight at once per instance (env GATEWAY_SHARED_STATE_CONCURRENCY); also the pool size. */
        @WithDefault("8")
        int concurrency();
    }

    interface Bucket {
        /** Burst size: tokens in a full bucket. */
        long capacity();

        /** Time in which an empty bucket refills completely (tokens come back gradually). */
        Duration period();
    }

    interface Limits {
        /** Largest body of a JSON API request, unless a route below says otherwise. */
        @WithName("json-body")
        @WithDefault("256K")
        MemorySize jsonBody();

        /** Largest body of POST /api/v1/executions (source files travel inline). */
        @WithName("execution-body")
        @WithDefault("2M")
        MemorySize executionBody();

        /** Largest body of a file upload (PUT .../files/{path}) or bulk sync (POST .../files:sync). */
        @WithName("file-body")
        @WithDefault("64M")
        MemorySize fileBody();

        /** Largest request body toward a preview (the user's own dev server). */
        @WithName("preview-body")
        @WithDefault("16M")
        MemorySize previewBody();
    }

    interface Timeouts {
        /** Idle timeout of an ordinary API request toward its service. */
        @WithName("default")
        @WithDefault("30s")
        Duration defaultTimeout();

        /** Idle timeout of POST /api/v1/executions (wait=true holds until the run ends). */
        @WithDefault("120s")
        Duration executions();

        /** Idle timeout of session package installs and exec, which may run for minutes. */
        @WithName("session-commands")
        @WithDefault("330s")
        Duration sessionCommands();

        /** Idle timeout of preview requests toward the user's dev server. */
        @WithDefault("60s")
        Duration preview();
    }

    interface Breaker {
        /** Calls in the rolling window before the breaker may open. */
        @WithName("request-volume-threshold")
        @WithDefault("10")
        int requestVolumeThreshold();

        /** Share of failed calls in the window that opens the breaker. */
        @WithName("failure-ratio")
        @WithDefault("0.5")
        double failureRatio();

        /** How long an open breaker refuses calls before letting a trial call through. */
        @WithDefault("5s")
        Duration delay();

        /** Successful trial calls that close the breaker again. */
        @WithName("success-threshold")
        @WithDefault("1")
        int successThreshold();

        /**
         * How long a failure counts against a closed breaker. The window is the last N calls, however old: without
         * this, failures from a restart long past (too few to open the breaker then) opened it later, on successes.
         * A success this long after the last failure starts a fresh window.
         */
        @WithName("forget-failures-after")
        @WithDefault("10s")
        Duration forgetFailuresAfter();
    }

    interface Preview {
        /**
         * HMAC key shared with session-service, which signs the tokens (env PLAYGROUND_PREVIEW_SECRET): at least 32
         * bytes, or the gateway does not start.
         */
        Optional<String> secret();

        /**
         * Where previews are served (env PLAYGROUND_PREVIEW_BASE_URL, shared with session-service): a request whose
         * Host is {@code {sessionId}-{port}.{host of this URL}} is a preview, on an origin of its own.
         */
        @WithName("base-url")
        @WithDefault("http://preview.localhost:8080")
        String baseUrl();

        /** terminal-service's preview tunnel server (SOCKS5, internal), through which every preview goes. */
        @WithName("tunnel-host")
        @WithDefault("terminal-service")
        String tunnelHost();

        /** Port of terminal-service's preview tunnel server. */
        @WithName("tunnel-port")
        @WithDefault("1080")
        int tunnelPort();

        /** How long a session's preview address is cached after a lookup in session-service. */
        @WithName("target-cache-ttl")
        @WithDefault("5s")
        Duration targetCacheTtl();

        /**
         * Mark the preview cookie Secure, SameSite=None and Partitioned (CHIPS), as a preview in another origin's iframe
         * needs; browsers accept Secure cookies on http://*.localhost. Off: SameSite=Lax (previews opened in a tab only).
         */
        @WithName("cookie-secure")
        @WithDefault("true")
        boolean cookieSecure();
    }
}
