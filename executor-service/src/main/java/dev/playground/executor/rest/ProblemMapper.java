package dev.playground.executor.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.executor.service.ProblemException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The service's one error mapper: every refusal is RFC 9457 application/problem+json. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder b = build(e.status(), e.type(), e.title(), e.getMessage());
        if (e.retryAfterSeconds() != null) {
            b.header("Retry-After", e.retryAfterSeconds());
        }
        return b.build();
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        String where = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                ? " at " + m.getPathReference() : "";
        return build(ApiProblem.INVALID_JSON, "invalid-json", "Invalid JSON", "The body is not the JSON this endpoint takes" + where + ": "
                + e.getOriginalMessage()).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException j) {
            return unreadable(j);
        }
        String detail = switch (status) {
            case 413 -> "The request body is larger than this service accepts.";
            case 415 -> "Send the body as application/json.";
            case 404 -> "No such endpoint.";
            case 405 -> "This endpoint does not take that method.";
            default -> e.getMessage();
        };
        return build(status, "http-" + status, Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase(), detail).build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected error", e);
        return build(500, "internal-error", "Internal error", "Something went wrong on our side; try again.").build();
    }

    /** The problem document as JSON text, for answers given outside JAX-RS (see BodySizeLimit). */
    static String json(int status, String type, String title, String detail) {
        try {
            return JSON.writeValueAsString(ApiProblem.body(status, type, title, detail));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response.ResponseBuilder build(int status, String type, String title, String detail) {
        return Response.status(status).type(ApiProblem.MEDIA_TYPE).entity(ApiProblem.body(status, type, title, detail));
    }
}
