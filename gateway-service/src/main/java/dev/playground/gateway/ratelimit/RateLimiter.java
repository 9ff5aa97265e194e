package dev.playground.gateway.ratelimit;

import dev.playground.contract.problem.ProblemType;
import dev.playground.gateway.config.GatewayConfig;
import dev.playground.gateway.problem.Problem;
import dev.playground.gateway.routing.Budget;
import dev.playground.gateway.shared.SharedStore;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per principal and budget, held in PostgreSQL ({@link SharedStore}, Bucket4j's select-for-update
 * buckets) so that the budget holds across gateway instances: two gateways together let a principal through the
 * configured budget, not twice it.
 *
 * <p>Every instance also keeps the same bucket in memory, spent by the requests it lets through. It is asked first: a
 * principal who has spent the budget on this instance alone is refused without a database round trip (a flood costs
 * PostgreSQL nothing), and it is what decides when the shared store is down or slow. Then each instance enforces the
 * full budget on its own share of the traffic: at most N times the budget across N gateways while PostgreSQL is out,
 * never unlimited, never an error.
 * Principals come from the operator's key list or from signed preview tokens, so the maps stay small.
 */
@ApplicationScoped
public class RateLimiter {

    /** A budget: {@code capacity} tokens, refilled evenly over {@code period}. */
    public record Limit(long capacity, Duration period) {
    }

    /** The outcome of spending one token, with what the RateLimit headers report. */
    public record Decision(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds,
            long windowSeconds) {

        /** {@code RateLimit-Policy} value (draft-ietf-httpapi-ratelimit-headers): limit and window. */
        public String policyHeader() {
            return limit + ";w=" + windowSeconds;
        }

        /** {@code RateLimit} value: limit, remaining tokens, seconds until the bucket is full again. */
        public String rateLimitHeader() {
            return "limit=" + limit + ", remaining=" + remaining + ", reset=" + resetSeconds;
        }
    }

    private final Map<Budget, Limit> limits;
    private final Map<String, Bucket> local = new ConcurrentHashMap<>();
    private final SharedStore store;

    @Inject
    RateLimiter(GatewayConfig config, SharedStore store) {
        this(limits(config), store);
    }

    /** A limiter with these budgets, sharing its buckets through {@code store} when that is configured. */
    public RateLimiter(Map<Budget, Limit> limits, SharedStore store) {
        this.limits = new EnumMap<>(limits);
        this.store = store;
    }

    private static Map<Budget, Limit> limits(GatewayConfig config) {
        Map<Budget, Limit> limits = new EnumMap<>(Budget.class);
        limits.put(Budget.EXECUTIONS, limit(config.rateLimit().executions()));
        limits.put(Budget.SESSION_CREATION, limit(config.rateLimit().sessionCreation()));
        limits.put(Budget.GENERAL, limit(config.rateLimit().general()));
        limits.put(Budget.PREVIEW, limit(config.rateLimit().preview()));
        return limits;
    }

    private static Limit limit(GatewayConfig.Bucket bucket) {
        return new Limit(bucket.capacity(), bucket.period());
    }

    /** Spends one token of the principal's budget. Never fails: without PostgreSQL, this instance decides. */
    public Future<Decision> consume(String principal, Budget budget) {
        Limit limit = limits.get(budget);
        // The limit is part of the key: after an operator changes it, buckets start afresh instead of keeping the old one.
        String key = budget.name() + ':' + limit.capacity() + '/' + limit.period().toMillis() + ':' + principal;
        Bucket here = local.computeIfAbsent(key, k -> Bucket.builder().addLimit(bandwidth(limit)).build());
        ConsumptionProbe probe = here.tryConsumeAndReturnRemaining(1);
        ProxyManager<String> shared = store.buckets().orElse(null);
        if (!probe.isConsumed() || shared == null || !store.available()) {
            return Future.succeededFuture(decision(probe, limit));
        }
        return store.call("rate limit", () -> shared.builder()
                        .build(key, () -> BucketConfiguration.builder().addLimit(bandwidth(limit)).build())
                        .tryConsumeAndReturnRemaining(1))
                .map(everywhere -> {
                    if (!everywhere.isConsumed()) {
                        here.addTokens(1); // refused after all: this instance's count holds only what it let through
                    }
                    return decision(everywhere, limit);
                })
                .otherwise(storeDown -> decision(probe, limit));
    }

    /**
     * Spends one token and puts the RateLimit headers on the response; when the budget is spent, answers 429. The
     * future holds false when the request must go no further (refused, or the caller gone meanwhile).
     */
    public Future<Boolean> admit(RoutingContext ctx, String principal, Budget budget) {
        return consume(principal, budget).map(decision -> {
            if (ctx.response().closed() || ctx.response().ended()) {
                return false;
            }
            ctx.response().putHeader("RateLimit-Policy", decision.policyHeader());
            ctx.response().putHeader("RateLimit", decision.rateLimitHeader());
            if (decision.allowed()) {
                return true;
            }
            Problem.of(ProblemType.RATE_LIMITED, "The " + budget.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                            + " budget of " + decision.limit() + " requests per " + decision.windowSeconds()
                            + " s is used up for '" + principal + "'; retry after " + decision.retryAfterSeconds() + " s")
                    .header("Retry-After", Long.toString(decision.retryAfterSeconds()))
                    .send(ctx);
            return false;
        });
    }

    private static Bandwidth bandwidth(Limit limit) {
        return Bandwidth.builder().capacity(limit.capacity())
                .refillGreedy(limit.capacity(), limit.period()).build();
    }

    private static Decision decision(ConsumptionProbe probe, Limit limit) {
        return new Decision(probe.isConsumed(), limit.capacity(), probe.getRemainingTokens(),
                ceilSeconds(probe.getNanosToWaitForReset()), ceilSeconds(probe.getNanosToWaitForRefill()),
                Math.max(1, limit.period().toSeconds()));
    }

    private static long ceilSeconds(long nanos) {
        long second = Duration.ofSeconds(1).toNanos();
        return nanos <= 0 ? 0 : Math.max(1, (nanos + second - 1) / second);
    }
}
