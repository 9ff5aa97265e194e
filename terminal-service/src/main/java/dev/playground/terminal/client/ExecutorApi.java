package dev.playground.terminal.client;

import dev.playground.contract.Principal;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** executor-service's public run endpoint. Used through ExecutorClient. */
@RegisterRestClient(configKey = "executor-service")
@Path("/api/v1/executions")
interface ExecutorApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<JsonObject> start(JsonObject request, @HeaderParam(Principal.HEADER) String principal,
                          @HeaderParam(Principal.SIGNATURE_HEADER) String signature);
}
