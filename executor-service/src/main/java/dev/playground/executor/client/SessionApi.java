package dev.playground.executor.session;

import dev.playground.contract.Principal;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** session-service's internal API (docs/ARCHITECTURE.md, "Internal API"). */
@RegisterRestClient(configKey = "session-service")
@Path("/internal/sessions")
interface SessionApi {

    @GET
    @Path("/{id}")
    SessionInfo get(@PathParam("id") String id, @HeaderParam(Principal.HEADER) String principal);
}
