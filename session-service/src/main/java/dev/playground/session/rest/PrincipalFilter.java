package dev.playground.session.rest;

import dev.playground.contract.Principal;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Every API call is made on someone's behalf: without the gateway's principal header nothing is answered. */
public class PrincipalFilter {

    @ServerRequestFilter(preMatching = true)
    public Response requirePrincipal(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.startsWith("/internal/")) {
            return null;
        }
        String principal = request.getHeaderString(Principal.HEADER);
        if (principal == null || principal.isBlank()) {
            return ProblemMapper.response(401, "unauthenticated", "Unauthenticated",
                    "Requests need the " + Principal.HEADER + " header, set by the gateway after authentication.");
        }
        return null;
    }
}
