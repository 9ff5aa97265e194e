package dev.playground.session.rest;

import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.Principal;
import dev.playground.contract.execution.ContentTypes;
import dev.playground.contract.execution.ExecutionResult;
import dev.playground.session.client.ExecutorClient;
import dev.playground.session.service.ExecutionHistory;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The durable execution history (own executions only), with the executor asked about ids not recorded yet. */
@Path("/api/v1/executions")
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionResource {

    private final ExecutionHistory history;
    private final ExecutorClient executor;

    ExecutionResource(ExecutionHistory history, ExecutorClient executor) {
        this.history = history;
        this.executor = executor;
    }

    @GET
    @Path("/{id}")
    public Uni<ExecutionResult> get(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id) {
        return history.read(id, owner).flatMap(r -> r != null ? Uni.createFrom().item(r) : executor.find(id, owner))
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("Execution", id));
    }

    /**
     * A file the run wrote. Served so that a browser never runs it as a page of the API's origin: a sandboxing CSP,
     * no sniffing, and only raster images inline.
     */
    @GET
    @Path("/{id}/artifacts/{name: .+}")
    @Produces(MediaType.WILDCARD)
    public Uni<Response> artifact(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                  @PathParam("name") String name) {
        return history.artifact(id, name, owner).flatMap(kept -> kept != null
                        ? Uni.createFrom().item(Response.ok(kept.data).type(kept.contentType))
                        : executor.artifact(id, name, owner).map(bytes -> bytes == null ? null
                                : Response.ok(bytes).type(ContentTypes.of(name))))
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("Artifact " + name + " of execution " + id
                        + " does not exist (or is not yours)."))
                .map(r -> r.header("X-Content-Type-Options", "nosniff")
                        .header("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self' data:")
                        .header("Content-Disposition", (INLINE.matcher(name).matches() ? "inline" : "attachment")
                                + "; filename=\"" + name.substring(name.lastIndexOf('/') + 1).replace("\"", "") + "\"")
                        .build());
    }

    private static final java.util.regex.Pattern INLINE = java.util.regex.Pattern.compile("(?i).*\\.(png|jpe?g|gif|webp)$");

    @GET
    public Uni<List<ExecutionResult>> list(@HeaderParam(Principal.HEADER) String owner,
                                    @QueryParam("sessionId") String sessionId,
                                    @QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > 100) {
            throw ApiProblem.invalid("limit must be between 1 and 100; " + limit + " is not.");
        }
        return history.latest(owner, sessionId == null || sessionId.isBlank() ? null : sessionId, limit);
    }
}
