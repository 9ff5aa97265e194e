package dev.playground.session.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place errors become RFC 9457 application/problem+json, with types from the contract's catalogue. */
public class ProblemMapper {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    static Response response(ProblemType type, String detail) {
        return Response.status(type.status()).type(ApiProblem.MEDIA_TYPE).entity(ApiProblem.body(type, detail)).build();
    }

    @ServerExceptionMapper
    public Response problem(ApiProblem p) {
        var b = Response.status(p.status()).type(ApiProblem.MEDIA_TYPE).entity(p.body());
        if (p.retryAfterSeconds() != null) {
            b.header("Retry-After", p.retryAfterSeconds());
        }
        return b.build();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + " " + v.getMessage())
                .sorted().collect(Collectors.joining("; "));
        return response(ProblemType.INVALID_REQUEST, detail);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        return response(ProblemType.INVALID_JSON, "The body is not the JSON this endpoint takes: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadable(json);
        }
        String detail = switch (status) {
            case 404 -> "No such endpoint or resource.";
            case 405 -> "This endpoint does not take that method.";
            case 415 -> "Send the body as application/json.";
            default -> String.valueOf(e.getMessage());
        };
        return response(ProblemType.forStatus(status), detail);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable t) {
        LOG.error("unexpected failure", t);
        return response(ProblemType.INTERNAL_ERROR,
                "Something failed on our side; the request may be retried. Reference: " + t.getClass().getSimpleName());
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
