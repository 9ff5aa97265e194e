package dev.playground.session.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playground.session.rest.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/** Asks the executor about an execution the history has not recorded yet. A 404 is an answer, not a failure. */
@ApplicationScoped
public class ExecutorExecutions {
    private static final Logger LOG = Logger.getLogger(ExecutorExecutions.class);

    private final ExecutorApi api;

    ExecutorExecutions(@RestClient ExecutorApi api) {
        this.api = api;
    }

    /** The executor's view of {@code id}, or null when it does not know it (for this principal). */
    public Uni<JsonNode> find(String id, String principal) {
        return api.get(id, principal)
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .onFailure(e -> e instanceof WebApplicationException w && w.getResponse().getStatus() == 404)
                .recoverWithNull()
                .onFailure(e -> !(e instanceof Problem)).transform(e -> {
                    LOG.warnf("execution %s: executor did not answer: %s", id, e.getMessage());
                    return Problem.unavailable("Execution " + id + " is not in the history yet and the executor "
                            + "did not answer; try again shortly.");
                });
    }
}
