package dev.playground.gateway.proxy;

import dev.playground.gateway.config.GatewayConfig;
import dev.playground.gateway.routing.Downstream;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The services behind the gateway: their addresses, one pooled HTTP client for all proxying, and one circuit
 * breaker (SmallRye Fault Tolerance {@link Guard}) per service, shared by HTTP, WebSocket and internal calls.
 */
@ApplicationScoped
public class Downstreams {

    private static final Logger LOG = Logger.getLogger(Downstreams.class);

    /** One downstream service as the gateway sees it. */
    public record Endpoint(Downstream service, String baseUrl, SocketAddress address, Guard guard,
            AtomicReference<CircuitBreakerState> breakerState) {
    }

    private final Map<Downstream, Endpoint> endpoints = new EnumMap<>(Downstream.class);
    private final HttpClient client;
    private final WebClient webClient;
    private final GatewayConfig config;
    private final CircuitBreakerMaintenance breakers;
    /** The nanosecond clock that ages failures for {@code forget-failures-after}; a test may drive it instead. */
    private volatile LongSupplier ticker = System::nanoTime;

    public Downstreams(Vertx vertx, GatewayConfig config, CircuitBreakerMaintenance breakers) {
        this.config = config;
        this.breakers = breakers;
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) config.services().connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(200)
                .setMaxWebSockets(10_000);
        this.client = vertx.createHttpClient(options);
        this.webClient = WebClient.wrap(client);
        endpoints.put(Downstream.EXECUTOR, endpoint(Downstream.EXECUTOR, config.services().executorUrl()));
        endpoints.put(Downstream.SESSION, endpoint(Downstream.SESSION, config.services().sessionUrl()));
        endpoints.put(Downstream.TERMINAL, endpoint(Downstream.TERMINAL, config.services().terminalUrl()));
    }

    private Endpoint endpoint(Downstream service, String baseUrl) {
        URI uri = URI.create(baseUrl);
        if (uri.getHost() == null || !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException(service.serviceName() + " URL '" + baseUrl + "' must be http://host[:port]");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        var state = new AtomicReference<>(CircuitBreakerState.CLOSED);
        GatewayConfig.Breaker breaker = config.circuitBreaker();
        String name = "gateway-" + service.serviceName();
        long forget = breaker.forgetFailuresAfter().toNanos();
        AtomicLong lastFailure = new AtomicLong(-1);
        Guard guard = Guard.create()
                .withDescription("calls to " + service.serviceName())
                .withCircuitBreaker()
                .name(name)
                .requestVolumeThreshold(breaker.requestVolumeThreshold())
                .failureRatio(breaker.failureRatio())
                .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(breaker.successThreshold())
                // Only a service that cannot answer is a failure; any answer it gives (even 4xx) is fine.
                .when(Downstreams::isServiceFailure)
                .onFailure(() -> lastFailure.set(ticker.getAsLong()))
                .onSuccess(() -> {
                    long at = lastFailure.get();
                    // Old failures no longer count: a fresh window (only while closed; open and half-open keep
                    // their own rules).
                    if (at >= 0 && ticker.getAsLong() - at > forget && state.get() == CircuitBreakerState.CLOSED
                            && lastFailure.compareAndSet(at, -1)) {
                        breakers.reset(name);
                    }
                })
                .onStateChange(newState -> {
                    state.set(newState);
                    LOG.warnf("circuit breaker for %s is now %s", service.serviceName(), newState);
                })
                .done()
                // Calls start non-blocking I/O on the event loop; nothing here may move to a worker thread.
                .withThreadOffload(false)
                .build();
        return new Endpoint(service, baseUrl.replaceAll("/+$", ""), SocketAddress.inetSocketAddress(port, uri.getHost()),
                guard, state);
    }

    /** Where a request for {@code service} goes: its address, its breaker, the path unchanged. */
    public Upstream upstream(Downstream service, long timeoutMillis) {
        Endpoint e = endpoint(service);
        return new Upstream(e.address(), null, e.guard(), service.serviceName(),
                Math.max(1, config.circuitBreaker().delay().toSeconds()), timeoutMillis, null);
    }

    static boolean isServiceFailure(Throwable t) {
        if (t instanceof CallerGone) {
            return false;
        }
        return t instanceof DownstreamFailure || t instanceof TimeoutException || t instanceof java.io.IOException
                || t instanceof io.vertx.core.VertxException;
    }

    /**
     * Ages failures by {@code ticker} from now on instead of {@link System#nanoTime()} and returns the clock used
     * until now: a test moves time past {@code forget-failures-after} instead of sleeping through it.
     */
    public LongSupplier useTicker(LongSupplier ticker) {
        LongSupplier before = this.ticker;
        this.ticker = ticker;
        return before;
    }

    public Endpoint endpoint(Downstream service) {
        return endpoints.get(service);
    }

    public HttpClient client() {
        return client;
    }

    public WebClient webClient() {
        return webClient;
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
