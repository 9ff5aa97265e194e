package dev.playground.gateway.ratelimit;

import dev.playground.contract.problem.ProblemType;
import dev.playground.gateway.config.GatewayConfig;
import dev.playground.gateway.problem.Problem;
import dev.playground.gateway.routing.Budget;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per principal and budget (Bucket4j, in memory: one gateway instance per deployment today;
 * several instances would each enforce the limit on their own share of traffic).
 * Principals come from the operator's key list or from signed preview tokens, so the map stays small.
 */
@ApplicationScoped
public class RateLimiter {

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

    private final Map<Budget, GatewayConfig.Bucket> settings = new EnumMap<>(Budget.class);
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(GatewayConfig config) {
        settings.put(Budget.EXECUTIONS, config.rateLimit().executions());
        settings.put(Budget.SESSION_CREATION, config.rateLimit().sessionCreation());
        settings.put(Budget.GENERAL, config.rateLimit().general());
        settings.put(Budget.PREVIEW, config.rateLimit().preview());
    }

    /** Spends one token of the principal's budget. */
    public Decision consume(String principal, Budget budget) {
        GatewayConfig.Bucket setting = settings.get(budget);
        Bucket bucket = buckets.computeIfAbsent(budget.name() + '\n' + principal, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(setting.capacity()).refillGreedy(setting.capacity(), setting.period()))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        long window = Math.max(1, setting.period().toSeconds());
        return new Decision(probe.isConsumed(), setting.capacity(), probe.getRemainingTokens(),
                ceilSeconds(probe.getNanosToWaitForReset()), ceilSeconds(probe.getNanosToWaitForRefill()), window);
    }

    /**
     * Spends one token and puts the RateLimit headers on the response; when the budget is spent, answers 429 and
     * returns false.
     */
    public boolean admit(RoutingContext ctx, String principal, Budget budget) {
        Decision decision = consume(principal, budget);
        ctx.response().putHeader("RateLimit-Policy", decision.policyHeader());
        ctx.response().putHeader("RateLimit", decision.rateLimitHeader());
        if (decision.allowed()) {
            return true;
        }
        Problem.of(ProblemType.RATE_LIMITED, "The " + budget.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " budget of " + decision.limit()
                        + " requests per " + decision.windowSeconds() + " s is used up for '" + principal
                        + "'; retry after " + decision.retryAfterSeconds() + " s")
                .header("Retry-After", Long.toString(decision.retryAfterSeconds()))
                .send(ctx);
        return false;
    }

    private static long ceilSeconds(long nanos) {
        return nanos <= 0 ? 0 : Math.max(1, (nanos + Duration.ofSeconds(1).toNanos() - 1) / Duration.ofSeconds(1).toNanos());
    }
}
