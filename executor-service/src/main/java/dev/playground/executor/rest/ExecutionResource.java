package dev.playground.executor.rest;

import dev.playground.contract.Principal;
import dev.playground.contract.execution.ExecutionResult;
import dev.playground.executor.service.Execution;
import dev.playground.executor.service.ExecutionRequest;
import dev.playground.executor.service.ExecutionService;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/** Runs code: POST starts an execution (or runs it to the end with wait=true), GET reads it, cancel stops it. */
@Path("/api/v1/executions")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ExecutionResource {

    private final ExecutionService executions;

    ExecutionResource(ExecutionService executions) {
        this.executions = executions;
    }

    /** The 202 answer of an asynchronous run: where to follow it. */
    public record Accepted(String id, String status, String streamUrl) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> run(@HeaderParam(Principal.HEADER) String principal, @QueryParam("wait") boolean wait,
            ExecutionRequest request) {
        Execution execution = executions.submit(owner(principal), request);
        if (wait) {
            return execution.completion().thenApply(r -> Response.ok(r).build());
        }
        return java.util.concurrent.CompletableFuture.completedFuture(Response.accepted(new Accepted(execution.id(), "QUEUED",
                "/api/v1/executions/" + execution.id() + "/stream")).build());
    }

    @GET
    @Path("/{id}")
    public ExecutionResult get(@HeaderParam(Principal.HEADER) String principal, @PathParam("id") String id) {
        return executions.get(owner(principal), id).snapshot();
    }

    @GET
    @Path("/{id}/artifacts/{name: .+}")
    @Produces(MediaType.WILDCARD)
    public Response artifact(@HeaderParam(Principal.HEADER) String principal, @PathParam("id") String id,
            @PathParam("name") String name) {
        byte[] bytes = executions.artifact(owner(principal), id, name);
        var result = executions.get(owner(principal), id).snapshot();
        String type = result.artifacts() == null ? "application/octet-stream" : result.artifacts().stream()
                .filter(a -> a.name().equals(name)).map(a -> a.contentType()).findFirst().orElse("application/octet-stream");
        return Response.ok(bytes).type(type).build();
    }

    @POST
    @Path("/{id}/cancel")
    public Response cancel(@HeaderParam(Principal.HEADER) String principal, @PathParam("id") String id) {
        return executions.cancel(owner(principal), id)
                .map(e -> Response.accepted(e.snapshot()))
                .orElseGet(() -> Response.accepted(new Accepted(id, "CANCELLING", "/api/v1/executions/" + id + "/stream")))
                .build();
    }

    static String owner(String principal) {
        if (principal == null || principal.isBlank()) {
            throw ApiProblem.of(ProblemType.UNAUTHENTICATED, "The " + Principal.HEADER + " header is missing: requests reach this service through the gateway.");
        }
        return principal;
    }
}
