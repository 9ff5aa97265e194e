package dev.playground.gateway.proxy;

import dev.playground.contract.Principal;
import dev.playground.gateway.problem.Problem;
import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.util.TypeLiteral;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Forwards one plain HTTP request with vertx-http-proxy: bodies stream both ways, hop-by-hop headers are dropped,
 * the path stays as it is unless a rewrite is given. The call runs under the target's circuit breaker, and what
 * goes wrong on the way becomes problem+json.
 */
public final class HttpForwarding {

    private static final Logger LOG = Logger.getLogger(HttpForwarding.class);
    private static final TypeLiteral<CompletionStage<ProxyResponse>> RESPONSE_STAGE = new TypeLiteral<>() {
    };

    private HttpForwarding() {
    }

    /** Forwards {@code request} (paused) to {@code upstream}. */
    public static void forward(HttpServerRequest request, HttpClient client, Upstream upstream) {
        RequestOptions origin = new RequestOptions().setServer(upstream.address()).setIdleTimeout(upstream.timeoutMillis());
        if (upstream.tunnel() != null) {
            origin.setProxyOptions(upstream.tunnel());
        }
        HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client)
                .originRequestProvider((req, c) -> c.request(origin));
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                if (upstream.uri() != null) {
                    context.request().setURI(upstream.uri());
                }
                return guarded(context, upstream);
            }
        });
        proxy.handle(request);
    }

    private static Future<ProxyResponse> guarded(ProxyContext context, Upstream upstream) {
        Guard guard = upstream.guard();
        HttpServerRequest incoming = context.request().proxiedRequest();
        Supplier<CompletionStage<ProxyResponse>> call = () -> context.sendRequest()
                .compose(response -> DownstreamFailure.isFailure(response.getStatusCode(),
                                response.headers().get("Content-Type"))
                        ? Future.<ProxyResponse>failedFuture(new DownstreamFailure(response.getStatusCode(), response))
                        : Future.succeededFuture(response),
                        failure -> Future.failedFuture(incoming.response().closed() ? new CallerGone(failure) : failure))
                .toCompletionStage();
        CompletionStage<ProxyResponse> outcome = Guarded.call(guard, call, RESPONSE_STAGE);
        return Future.fromCompletionStage(outcome).recover(failure -> {
            Throwable cause = UpstreamErrors.unwrap(failure);
            if (cause instanceof DownstreamFailure answered) {
                // The service spoke for itself (its own problem+json); pass that through.
                return Future.succeededFuture((ProxyResponse) answered.answer());
            }
            String requestId = incoming.getHeader(Principal.REQUEST_ID_HEADER);
            LOG.warnf("request %s %s %s: %s not reached: %s", requestId, incoming.method(), incoming.path(),
                    upstream.what(), cause);
            Problem problem = UpstreamErrors.problemFor(cause, upstream.what(), upstream.retryAfterSeconds());
            ProxyResponse response = context.request().release().response()
                    .setStatusCode(problem.status());
            response.headers().clear();
            problem.headers().forEach(response::putHeader);
            Buffer body = Buffer.buffer(problem.body(incoming.path(), requestId).encode());
            response.putHeader("Content-Type", Problem.MEDIA_TYPE);
            response.putHeader("Content-Length", Integer.toString(body.length()));
            response.setBody(Body.body(body));
            return Future.succeededFuture(response);
        });
    }
}
