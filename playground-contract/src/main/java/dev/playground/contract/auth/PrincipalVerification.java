package dev.playground.contract.auth;

import dev.playground.contract.ContainerLabels;
import dev.playground.contract.Principal;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Instant;

/**
 * Every call to a service's {@code /api/} or {@code /internal/} paths (HTTP and WebSocket upgrades alike) is made for
 * a principal the gateway authenticated: the principal header must be there and carry this deployment's signature.
 * Anything else is a 401 problem before any resource runs. A service opts in by indexing playground-contract.
 */
@ApplicationScoped
public class PrincipalVerification {

    private final InternalAuth auth;

    PrincipalVerification(InternalAuth auth) {
        this.auth = auth;
    }

    /** The deployment's signer and verifier, from {@code playground.internal.secret} (PLAYGROUND_INTERNAL_SECRET). */
    @Produces
    @Singleton
    static InternalAuth internalAuth(InternalSecretConfig config) {
        return InternalAuth.withSecret("playground.internal.secret (PLAYGROUND_INTERNAL_SECRET)", config.secret());
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::check);
    }

    void check(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (!path.startsWith("/api/") && !path.startsWith("/internal/")) {
            rc.next();
            return;
        }
        String principal = rc.request().getHeader(Principal.HEADER);
        String signature = rc.request().getHeader(Principal.SIGNATURE_HEADER);
        if (principal == null || principal.isBlank()) {
            refuse(rc, "The " + Principal.HEADER + " header is missing: requests reach this service through the gateway.");
        } else if (principal.equals(ContainerLabels.NO_OWNER)) {
            // the owner of what no principal owns yet (warm sandboxes, pooled sessions): never a caller
            refuse(rc, "The principal '" + principal + "' is reserved.");
        } else if (!auth.verify(principal, signature, Instant.now())) {
            refuse(rc, "The " + Principal.HEADER + " header is not signed by this deployment (or the signature is"
                    + " older than " + InternalAuth.MAX_AGE.toMinutes() + " minutes): requests reach this service"
                    + " through the gateway.");
        } else {
            rc.next();
        }
    }

    private static void refuse(RoutingContext rc, String detail) {
        rc.response().setStatusCode(401).putHeader("Content-Type", ApiProblem.MEDIA_TYPE)
                .end(new JsonObject(ApiProblem.body(ProblemType.UNAUTHENTICATED, detail)).encode());
    }
}
