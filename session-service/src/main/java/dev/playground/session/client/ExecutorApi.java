package dev.playground.session.client;

import dev.playground.contract.Principal;
import dev.playground.contract.execution.ExecutionResult;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** executor-service's view of in-flight executions (docs/ARCHITECTURE.md, internal API). Used through ExecutorClient. */
@RegisterRestClient(configKey = "executor-service")
@Path("/api/v1/executions")
interface ExecutorApi {

    @GET
    @Path("/{id}")
    Uni<ExecutionResult> get(@PathParam("id") String id, @HeaderParam(Principal.HEADER) String principal,
                             @HeaderParam(Principal.SIGNATURE_HEADER) String signature);

    @GET
    @Path("/{id}/artifacts/{name: .+}")
    Uni<byte[]> artifact(@PathParam("id") String id, @PathParam("name") String name,
                         @HeaderParam(Principal.HEADER) String principal,
                         @HeaderParam(Principal.SIGNATURE_HEADER) String signature);
}
