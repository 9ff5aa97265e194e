package dev.playground.executor.rest;

import dev.playground.contract.problem.ProblemType;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a body over {@code quarkus.http.limits.max-body-size} by its Content-Length, before it is read, with
 * the same problem+json as every other refusal (Vert.x's own limit answers an empty 413). A chunked body without
 * Content-Length still meets Vert.x's limit.
 */
@ApplicationScoped
public class BodySizeLimit {

    void install(@Observes Router router, @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        long max = limit.asLongValue();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
                    && Long.parseLong(length) > max) {
                ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(ProblemMapper.json(ProblemType.TOO_LARGE, "The body is " + length
                                + " bytes; this service takes at most " + max + " bytes per request."));
                return;
            }
            ctx.next();
        });
    }
}
