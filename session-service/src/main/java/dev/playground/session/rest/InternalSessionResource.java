package dev.playground.session.rest;

import dev.playground.contract.Principal;
import dev.playground.session.service.SessionService;
import dev.playground.contract.session.InternalSession;
import dev.playground.session.service.SessionViews;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Service-to-service API (never routed by the gateway): how to reach a session, and terminal activity. */
@Path("/internal/sessions")
@Produces(MediaType.APPLICATION_JSON)
public class InternalSessionResource {

    private final SessionService sessions;
    private final SessionViews views;

    InternalSessionResource(SessionService sessions, SessionViews views) {
        this.sessions = sessions;
        this.views = views;
    }

    @GET
    @Path("/{id}")
    public Uni<InternalSession> get(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id) {
        return sessions.owned(id, owner).map(views::internal);
    }

    @POST
    @Path("/{id}/activity")
    public Uni<Response> activity(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id) {
        return sessions.owned(id, owner).call(s -> sessions.touch(s.id)).map(s -> Response.noContent().build());
    }
}
