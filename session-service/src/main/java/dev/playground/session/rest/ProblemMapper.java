package dev.playground.session.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.playground.contract.problem.ApiProblem;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place errors become RFC 9457 application/problem+json. */
public class ProblemMapper {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    public static final String PROBLEM_JSON = ApiProblem.MEDIA_TYPE;

    public static Response response(int status, String type, String title, String detail) {
        return Response.status(status).type(PROBLEM_JSON).entity(ApiProblem.body(status, type, title, detail)).build();
    }

    @ServerExceptionMapper
    public Response problem(Problem p) {
        return response(p.status(), p.type(), p.title(), p.getMessage());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + " " + v.getMessage())
                .sorted().collect(Collectors.joining("; "));
        return response(ApiProblem.INVALID_REQUEST, "invalid-request", "Invalid request", detail);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        return response(ApiProblem.INVALID_JSON, "invalid-json", "Invalid JSON", "The body is not the JSON this endpoint takes: "
                + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadable(json);
        }
        String title = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Error";
        String detail = status == 404 ? "No such endpoint or resource." : String.valueOf(e.getMessage());
        return response(status, title.toLowerCase().replace(' ', '-'), title, detail);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable t) {
        LOG.error("unexpected failure", t);
        return response(500, "internal-error", "Internal error",
                "Something failed on our side; the request may be retried. Reference: " + t.getClass().getSimpleName());
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
