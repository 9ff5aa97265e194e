package dev.playground.executor.client;

import dev.playground.contract.Principal;
import dev.playground.contract.session.InternalSession;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** session-service's internal API (docs/ARCHITECTURE.md, "Internal API"). Used through SessionClient. */
@RegisterRestClient(configKey = "session-service")
@Path("/internal/sessions")
interface SessionApi {

    @GET
    @Path("/{id}")
    InternalSession get(@PathParam("id") String id, @HeaderParam(Principal.HEADER) String principal,
                        @HeaderParam(Principal.SIGNATURE_HEADER) String signature);
}
