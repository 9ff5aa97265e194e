package dev.playground.executor.rest;

import dev.playground.contract.Principal;
import dev.playground.executor.runtime.Runtime;
import dev.playground.executor.runtime.RuntimeCatalog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The languages this executor runs. */
@Path("/api/v1/runtimes")
@Produces(MediaType.APPLICATION_JSON)
public class RuntimeResource {

    private final RuntimeCatalog catalog;

    RuntimeResource(RuntimeCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    public List<Runtime> list(@HeaderParam(Principal.HEADER) String principal) {
        ExecutionResource.owner(principal);
        return catalog.all();
    }
}
