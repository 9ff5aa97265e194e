package dev.playground.session.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Custom methods ({@code files:sync}, {@code files:archive}) keep working when a client percent-encodes the colon
 * ({@code files%3Async}), as some HTTP libraries do.
 */
public class ActionPathFilter {

    @ServerRequestFilter(preMatching = true)
    public void decodeActionColon(ContainerRequestContext request) {
        URI uri = request.getUriInfo().getRequestUri();
        String raw = uri.getRawPath();
        if (raw != null && (raw.contains("/files%3A") || raw.contains("/files%3a"))) {
            String fixed = raw.replace("/files%3A", "/files:").replace("/files%3a", "/files:");
            request.setRequestUri(URI.create(fixed + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        }
    }
}
