package dev.playground.terminal.client;

import dev.playground.contract.Principal;
import dev.playground.contract.session.InternalSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** session-service's internal API (docs/ARCHITECTURE.md, "Internal API"). Used through SessionClient. */
@RegisterRestClient(configKey = "session-service")
@Path("/internal/sessions")
interface SessionApi {

    @GET
    @Path("/{id}")
    Uni<InternalSession> get(@PathParam("id") String id, @HeaderParam(Principal.HEADER) String principal,
                             @HeaderParam(Principal.SIGNATURE_HEADER) String signature);

    @POST
    @Path("/{id}/activity")
    Uni<Void> activity(@PathParam("id") String id, @HeaderParam(Principal.HEADER) String principal,
                       @HeaderParam(Principal.SIGNATURE_HEADER) String signature);
}
