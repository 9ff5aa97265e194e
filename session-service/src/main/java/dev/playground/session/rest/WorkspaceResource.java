package dev.playground.session.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playground.contract.Principal;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.session.docker.PackageInstaller;
import dev.playground.session.docker.WorkspaceFiles;
import dev.playground.session.service.WorkspaceService;
import dev.playground.session.service.WorkspaceService.CommandResult;
import dev.playground.session.service.WorkspaceService.SyncFile;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Inside a session: files, archive download, package installs, one-off commands. */
@Path("/api/v1/sessions/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class WorkspaceResource {

    /** Body of POST .../packages. */
    public record PackagesRequest(String manager, List<String> packages) {
    }

    /** Body of POST .../exec: command is a shell line (run with sh -c) or an argv array. */
    public record ExecRequest(JsonNode command, Long timeoutMs) {
    }

    private final WorkspaceService workspace;

    WorkspaceResource(WorkspaceService workspace) {
        this.workspace = workspace;
    }

    @GET
    @Path("/files")
    public Uni<WorkspaceFiles.Tree> tree(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                         @QueryParam("path") String path) {
        return workspace.tree(owner, id, path);
    }

    @GET
    @Path("/files/{path: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Uni<byte[]> read(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                            @PathParam("path") String path) {
        return workspace.read(owner, id, path);
    }

    @PUT
    @Path("/files/{path: .+}")
    @Consumes(MediaType.WILDCARD)
    public Uni<Map<String, Object>> write(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                          @PathParam("path") String path, byte[] body) {
        byte[] content = body == null ? new byte[0] : body;
        return workspace.write(owner, id, path, content).map(p -> Map.of("path", p, "size", content.length));
    }

    @DELETE
    @Path("/files/{path: .+}")
    public Uni<Response> delete(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                @PathParam("path") String path) {
        return workspace.delete(owner, id, path).map(x -> Response.noContent().build());
    }

    @POST
    @Path("/files:sync")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<WorkspaceService.Synced> sync(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                             List<SyncFile> body) {
        return workspace.sync(owner, id, body);
    }

    @GET
    @Path("/files:archive")
    @Produces({"application/x-tar", "application/zip"})
    public Uni<Response> archive(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                 @QueryParam("path") String path, @QueryParam("format") @DefaultValue("tar") String format,
                                 @Context RoutingContext routing) {
        return workspace.archive(owner, id, path, format).map(a -> {
            routing.addEndHandler(v -> a.file().toFile().delete());
            return Response.ok(a.file().toFile()).type(a.contentType())
                    .header("Content-Disposition", "attachment; filename=\"" + a.fileName() + "\"").build();
        });
    }

    @POST
    @Path("/packages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<PackageInstaller.Result> packages(@HeaderParam(Principal.HEADER) String owner,
                                                 @PathParam("id") String id, PackagesRequest body) {
        if (body == null) {
            throw ApiProblem.invalid("The body is {manager: npm|pip, packages: [...]}.");
        }
        return workspace.install(owner, id, body.manager(), body.packages());
    }

    @POST
    @Path("/exec")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<CommandResult> exec(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                   ExecRequest body) {
        return workspace.command(owner, id, command(body), body.timeoutMs());
    }

    private static List<String> command(ExecRequest body) {
        if (body == null || body.command() == null) {
            throw ApiProblem.invalid("command is required: a shell line (\"ls -la\") or an argv array ([\"ls\", \"-la\"]).");
        }
        JsonNode c = body.command();
        if (c.isTextual() && !c.asText().isBlank()) {
            return List.of("sh", "-c", c.asText());
        }
        if (c.isArray() && !c.isEmpty()) {
            List<String> argv = new ArrayList<>();
            c.forEach(a -> {
                if (!a.isTextual()) {
                    throw ApiProblem.invalid("Every element of the command array must be a string.");
                }
                argv.add(a.asText());
            });
            return argv;
        }
        throw ApiProblem.invalid("command must be a non-empty string or array of strings.");
    }
}
