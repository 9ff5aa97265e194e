package dev.playground.executor.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import io.vertx.core.json.JsonObject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The service's one error mapper: every refusal is RFC 9457 application/problem+json from the contract's catalogue. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response problem(ApiProblem e) {
        Response.ResponseBuilder b = build(e.type(), e.getMessage());
        if (e.retryAfterSeconds() != null) {
            b.header("Retry-After", e.retryAfterSeconds());
        }
        return b.build();
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        String where = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                ? " at " + m.getPathReference() : "";
        return build(ProblemType.INVALID_JSON, "The body is not the JSON this endpoint takes" + where + ": "
                + e.getOriginalMessage()).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException j) {
            return unreadable(j);
        }
        String detail = switch (status) {
            case 413 -> "The request body is larger than this service accepts.";
            case 415 -> "Send the body as application/json.";
            case 404 -> "No such endpoint.";
            case 405 -> "This endpoint does not take that method.";
            default -> e.getMessage();
        };
        return build(ProblemType.forStatus(status), detail).build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected error", e);
        return build(ProblemType.INTERNAL_ERROR, "Something went wrong on our side; try again.").build();
    }

    /** The problem document as JSON text, for answers given outside JAX-RS (see BodySizeLimit). */
    static String json(ProblemType type, String detail) {
        return new JsonObject(ApiProblem.body(type, detail)).encode();
    }

    private static Response.ResponseBuilder build(ProblemType type, String detail) {
        return Response.status(type.status()).type(ApiProblem.MEDIA_TYPE).entity(ApiProblem.body(type, detail));
    }
}
