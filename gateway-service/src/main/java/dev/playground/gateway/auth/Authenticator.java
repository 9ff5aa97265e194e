package dev.playground.gateway.auth;

import dev.playground.contract.Principal;
import dev.playground.contract.auth.InternalAuth;
import dev.playground.contract.problem.ProblemType;
import dev.playground.gateway.problem.Problem;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who a request is for: an API key ({@code Authorization: Bearer} or {@code X-Api-Key}), or on a WebSocket upgrade a
 * ticket ({@code ?ticket=}, since browsers cannot set headers there). A request it cannot authenticate is answered 401
 * here. {@link #forward} then hands the principal on to a service, signed, with every credential stripped.
 */
@ApplicationScoped
public class Authenticator {

    /** Where a browser gets a ticket. */
    public static final String TICKETS = "/api/v1/ws-tickets";

    private final ApiKeys apiKeys;
    private final WebSocketTickets tickets;
    private final InternalAuth signer;

    public Authenticator(ApiKeys apiKeys, WebSocketTickets tickets, InternalAuth signer) {
        this.apiKeys = apiKeys;
        this.tickets = tickets;
        this.signer = signer;
    }

    /** The deployment's principal signer (PLAYGROUND_INTERNAL_SECRET, at least 32 bytes, or the gateway does not start). */
    @Produces
    @Singleton
    static InternalAuth internalAuth(@ConfigProperty(name = "playground.internal.secret") Optional<String> secret) {
        return InternalAuth.withSecret("playground.internal.secret (PLAYGROUND_INTERNAL_SECRET)", secret);
    }

    /**
     * The caller's principal; empty when it could not be authenticated (the 401 is sent). A key is checked at once; a
     * ticket may need the shared store to tell whether it was redeemed elsewhere. Never fails.
     */
    public Future<Optional<String>> authenticate(RoutingContext rc, boolean websocket) {
        HttpServerRequest request = rc.request();
        String key = null;
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        } else if (request.getHeader("X-Api-Key") != null) {
            key = request.getHeader("X-Api-Key");
        }
        if (key != null) {
            Optional<String> principal = apiKeys.principalFor(key);
            if (principal.isEmpty()) {
                unauthorized(rc, "The API key is not valid; check it, or ask the operator for one");
            }
            return Future.succeededFuture(principal);
        }
        String ticket = websocket ? request.getParam("ticket") : null;
        if (ticket != null) {
            return tickets.redeem(ticket).map(principal -> {
                if (principal.isEmpty()) {
                    // One answer for forged, tampered, expired and used tickets: the caller learns nothing to aim with.
                    unauthorized(rc, "The WebSocket ticket is unknown, used or expired; tickets are single-use and "
                            + "short-lived: get a new one with POST " + TICKETS + " just before connecting");
                }
                return principal;
            });
        }
        unauthorized(rc, websocket
                ? "Authenticate the upgrade with 'Authorization: Bearer <key>', 'X-Api-Key', or ?ticket= from POST " + TICKETS
                : "Send your API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'");
        return Future.succeededFuture(Optional.empty());
    }

    /**
     * Makes {@code request} one a service acts on for {@code principal}: whatever the caller sent as the principal,
     * its signature or a credential is dropped, and the gateway's own, signed, is set.
     */
    public void forward(HttpServerRequest request, String principal) {
        request.headers().remove("Authorization");
        request.headers().remove("X-Api-Key");
        request.headers().set(Principal.HEADER, principal);
        request.headers().set(Principal.SIGNATURE_HEADER, signer.sign(principal));
    }

    /** Drops any principal header and signature a caller sent where no service should see them (previews). */
    public static void strip(HttpServerRequest request) {
        request.headers().remove(Principal.HEADER);
        request.headers().remove(Principal.SIGNATURE_HEADER);
        request.headers().remove("Authorization");
        request.headers().remove("X-Api-Key");
    }

    /** The signature of {@code principal}, for the gateway's own calls to services (and to the preview tunnels). */
    public String signature(String principal) {
        return signer.sign(principal);
    }

    private static void unauthorized(RoutingContext rc, String detail) {
        Problem.of(ProblemType.UNAUTHENTICATED, detail).header("WWW-Authenticate", "Bearer").send(rc);
    }
}
