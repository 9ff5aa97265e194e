package dev.playground.gateway.proxy;

import dev.playground.contract.Principal;
import dev.playground.gateway.problem.Problem;
import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.RoutingContext;
import dev.playground.gateway.config.GatewayConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * WebSocket upgrades, tunnelled byte for byte to the target after the target accepted the handshake (so
 * subprotocols, extensions and the target's own close codes pass untouched). Written here rather than with
 * vertx-http-proxy's WebSocket support because that path skips interceptors: it can neither rewrite the path
 * (previews), nor run under the circuit breaker, nor answer problem+json when the target is down; and it takes
 * its connection from a pooled HttpClient, which in tests here handed a tunnelled connection to the next upgrade. The gateway
 * follows frame boundaries toward the client so that on shutdown it can close each tunnel with a reason.
 */
@ApplicationScoped
public class WebSocketTunnels {

    private static final Logger LOG = Logger.getLogger(WebSocketTunnels.class);
    private static final TypeLiteral<CompletionStage<UpstreamHandshake.Answer>> HANDSHAKE_STAGE = new TypeLiteral<>() {
    };
    /** Close code for "going away" (RFC 6455 7.4.1). */
    public static final int GOING_AWAY = 1001;

    private final Set<Tunnel> open = ConcurrentHashMap.newKeySet();
    private final Vertx vertx;
    private final NetClient direct;
    private final int connectTimeoutMillis;

    public WebSocketTunnels(Vertx vertx, GatewayConfig config) {
        this.vertx = vertx;
        this.connectTimeoutMillis = (int) config.services().connectTimeout().toMillis();
        this.direct = vertx.createNetClient(new NetClientOptions().setConnectTimeout(connectTimeoutMillis));
    }

    @PreDestroy
    void close() {
        direct.close();
    }

    /** How many tunnels are open now. */
    public int openCount() {
        return open.size();
    }

    /**
     * Opens a tunnel for an upgrade request (already paused and authenticated). Each tunnel has its own connection,
     * never pooled; one through a SOCKS5 tunnel server (a preview) has its own client too, closed with it.
     */
    public void open(RoutingContext rc, Upstream upstream) {
        HttpServerRequest request = rc.request();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
        NetClient net = upstream.tunnel() == null ? direct : vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout(connectTimeoutMillis).setProxyOptions(upstream.tunnel()));
        Runnable release = upstream.tunnel() == null ? () -> { } : net::close;
        Guard guard = upstream.guard();
        String what = upstream.what();
        long retryAfterSeconds = upstream.retryAfterSeconds();
        String uri = upstream.uri() != null ? upstream.uri() : request.uri();
        Supplier<CompletionStage<UpstreamHandshake.Answer>> call = () -> UpstreamHandshake
                .perform(vertx, net, upstream.address(), uri, headers, upstream.timeoutMillis())
                .compose(answer -> DownstreamFailure.isFailure(answer.status(), answer.headers().get("Content-Type"))
                        ? Future.<UpstreamHandshake.Answer>failedFuture(new DownstreamFailure(answer.status(), answer))
                        : Future.succeededFuture(answer))
                .toCompletionStage();
        CompletionStage<UpstreamHandshake.Answer> outcome = Guarded.call(guard, call, HANDSHAKE_STAGE);
        Context context = Vertx.currentContext();
        Future.fromCompletionStage(outcome, context).onComplete(ar -> {
            if (ar.succeeded() && ar.result().status() == 101) {
                splice(rc, ar.result(), context, release);
                return;
            }
            release.run();
            request.resume();
            Throwable cause = ar.failed() ? UpstreamErrors.unwrap(ar.cause()) : null;
            UpstreamHandshake.Answer answered = ar.succeeded() ? ar.result()
                    : cause instanceof DownstreamFailure failure ? (UpstreamHandshake.Answer) failure.answer() : null;
            if (answered != null) {
                // The target refused the upgrade with its own answer (404 for another owner's id...): relay it.
                HttpServerResponse response = rc.response().setStatusCode(answered.status());
                String type = answered.headers().get("Content-Type");
                if (type != null) {
                    response.putHeader("Content-Type", type);
                }
                response.end(answered.body());
                return;
            }
            LOG.warnf("request %s WebSocket %s: %s not reached: %s", request.getHeader(Principal.REQUEST_ID_HEADER),
                    request.path(), what, cause);
            UpstreamErrors.problemFor(cause, what, retryAfterSeconds).send(rc);
        });
    }

    private void splice(RoutingContext rc, UpstreamHandshake.Answer answer, Context context, Runnable release) {
        HttpServerRequest request = rc.request();
        HttpServerResponse response = request.response();
        response.setStatusCode(101);
        answer.headers().forEach(response.headers()::add);
        request.resume();
        NetSocket upstream = answer.socket();
        request.toNetSocket().onComplete(ar -> {
            if (ar.failed()) {
                LOG.warnf("request %s WebSocket %s: client side could not switch protocols: %s",
                        request.getHeader(Principal.REQUEST_ID_HEADER), request.path(), ar.cause());
                upstream.close();
                release.run();
                return;
            }
            Tunnel tunnel = new Tunnel(ar.result(), upstream, context);
            open.add(tunnel);
            tunnel.start(() -> {
                open.remove(tunnel);
                release.run();
            });
            if (answer.leftover().length() > 0) {
                tunnel.fromUpstream(answer.leftover());
            }
            upstream.resume();
        });
    }

    /**
     * Closes every open tunnel with {@code code} and {@code reason}, after the frame the target is sending, and
     * waits up to {@code waitMillis} for them to go.
     */
    public void closeAll(int code, String reason, long waitMillis) {
        if (open.isEmpty()) {
            return;
        }
        LOG.infof("closing %d WebSocket connection(s): %s", open.size(), reason);
        CountDownLatch done = new CountDownLatch(open.size());
        for (Tunnel tunnel : Set.copyOf(open)) {
            tunnel.close(code, reason, done::countDown);
        }
        try {
            done.await(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One client socket spliced to one target socket. */
    private final class Tunnel {
        private final NetSocket client;
        private final NetSocket upstream;
        private final Context context;
        private final FrameBoundary toClient = new FrameBoundary();
        private boolean closing;
        private Runnable onClosed = () -> {
        };

        Tunnel(NetSocket client, NetSocket upstream, Context context) {
            this.client = client;
            this.upstream = upstream;
            this.context = context;
        }

        void start(Runnable whenGone) {
            client.handler(upstream::write);
            upstream.handler(this::fromUpstream);
            client.closeHandler(v -> {
                upstream.close();
                whenGone.run();
                onClosed.run();
            });
            upstream.closeHandler(v -> {
                if (!closing) {
                    client.close();
                }
            });
        }

        private void fromUpstream(Buffer data) {
            if (!closing) {
                int at = 0;
                while (at >= 0 && at < data.length()) {
                    at = toClient.nextBoundary(data, at);
                }
                client.write(data);
                return;
            }
            int cut = toClient.nextBoundary(data, 0);
            if (cut < 0) {
                client.write(data);
            } else {
                client.write(data.getBuffer(0, cut));
                finish(lastCode, lastReason);
            }
        }

        private int lastCode;
        private String lastReason;

        void close(int code, String reason, Runnable whenClosed) {
            context.runOnContext(v -> {
                onClosed = whenClosed;
                closing = true;
                lastCode = code;
                lastReason = reason;
                if (toClient.atBoundary()) {
                    finish(code, reason);
                } else {
                    // The target is mid-frame; give it a moment to finish, then cut the connection regardless.
                    vertx.setTimer(1000, t -> client.close());
                }
            });
        }

        private void finish(int code, String reason) {
            upstream.handler(null);
            client.handler(b -> {
            });
            client.write(FrameBoundary.closeFrame(code, reason));
            upstream.close();
            // Give the client a moment to answer the close frame before the TCP connection goes.
            vertx.setTimer(500, t -> client.close());
        }
    }
}
