package dev.playground.session.rest;

import dev.playground.contract.Principal;
import dev.playground.session.service.SessionService;
import dev.playground.session.service.SessionViews;
import dev.playground.session.service.SessionViews.SessionView;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** Session lifecycle: create, read, list, stop, start, delete. */
@Path("/api/v1/sessions")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    /** Resource limits asked for; each is optional and capped by the server's maximum. */
    public record LimitsRequest(Integer memoryMb, Double cpus, Integer pids, Integer diskMb) {
    }

    /** Body of POST /api/v1/sessions. */
    public record CreateSessionRequest(String template, List<Integer> ports, LimitsRequest limits,
                                       Integer idleTimeoutMinutes) {
    }

    private final SessionService sessions;
    private final SessionViews views;

    SessionResource(SessionService sessions, SessionViews views) {
        this.sessions = sessions;
        this.views = views;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@HeaderParam(Principal.HEADER) String owner, @Valid @NotNull CreateSessionRequest body) {
        var limits = body.limits() == null ? new LimitsRequest(null, null, null, null) : body.limits();
        return sessions.create(owner, new SessionService.CreateCommand(body.template(), body.ports(),
                        limits.memoryMb(), limits.cpus(), limits.pids(), limits.diskMb(), body.idleTimeoutMinutes()))
                .map(s -> Response.created(URI.create("/api/v1/sessions/" + s.id)).entity(views.view(s)).build());
    }

    @GET
    public Uni<List<SessionView>> list(@HeaderParam(Principal.HEADER) String owner) {
        return sessions.list(owner).map(all -> all.stream().map(views::view).toList());
    }

    /** Reading a record is not activity: a dashboard polling it must not keep a session alive. */
    @GET
    @Path("/{id}")
    public Uni<SessionView> get(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id) {
        return sessions.owned(id, owner).map(views::view);
    }

    @POST
    @Path("/{id}/stop")
    public Uni<SessionView> stop(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id) {
        return sessions.stop(id, owner).map(views::view);
    }

    @POST
    @Path("/{id}/start")
    public Uni<SessionView> start(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id) {
        return sessions.start(id, owner).map(views::view);
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id) {
        return sessions.delete(id, owner).map(x -> Response.noContent().build());
    }
}
