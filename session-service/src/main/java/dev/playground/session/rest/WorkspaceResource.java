package dev.playground.session.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playground.contract.Principal;
import dev.playground.session.config.PlaygroundConfig;
import dev.playground.session.docker.PackageInstaller;
import dev.playground.session.docker.SandboxExec;
import dev.playground.session.docker.WorkspaceFiles;
import dev.playground.session.docker.WorkspaceFiles.Upload;
import dev.playground.session.domain.SessionState;
import dev.playground.session.service.SessionService;
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
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Inside a session: files, archive download, package installs, one-off commands. */
@Path("/api/v1/sessions/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class WorkspaceResource {
    private static final EnumSet<SessionState> RUNNING = EnumSet.of(SessionState.RUNNING);

    /** One file of a files:sync request; encoding is "utf8" (default) or "base64". */
    public record SyncFile(String path, String content, String encoding) {
    }

    /** Body of POST .../packages. */
    public record PackagesRequest(String manager, List<String> packages) {
    }

    /** Body of POST .../exec: command is a shell line (run with sh -c) or an argv array. */
    public record ExecRequest(JsonNode command, Long timeoutMs) {
    }

    /** What a command gave back. */
    public record ExecResponse(String stdout, String stderr, int exitCode, boolean timedOut, boolean stdoutTruncated,
                               boolean stderrTruncated, long durationMs) {
    }

    private final SessionService sessions;
    private final WorkspaceFiles files;
    private final PackageInstaller installer;
    private final SandboxExec exec;
    private final PlaygroundConfig config;

    WorkspaceResource(SessionService sessions, WorkspaceFiles files, PackageInstaller installer, SandboxExec exec,
                      PlaygroundConfig config) {
        this.sessions = sessions;
        this.files = files;
        this.installer = installer;
        this.exec = exec;
        this.config = config;
    }

    @GET
    @Path("/files")
    public Uni<WorkspaceFiles.Tree> tree(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                         @QueryParam("path") String path) {
        String p = WorkspaceFiles.relative(path, true);
        return sessions.usable(id, owner, RUNNING, "listing files")
                .flatMap(s -> sessions.blocking(() -> files.tree(s.containerId, p)));
    }

    @GET
    @Path("/files/{path: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Uni<byte[]> read(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                            @PathParam("path") String path) {
        String p = WorkspaceFiles.relative(path, false);
        return sessions.usable(id, owner, RUNNING, "reading files")
                .flatMap(s -> sessions.blocking(() -> files.read(s.containerId, p)));
    }

    @PUT
    @Path("/files/{path: .+}")
    @Consumes(MediaType.WILDCARD)
    public Uni<Map<String, Object>> write(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                          @PathParam("path") String path, byte[] body) {
        String p = WorkspaceFiles.relative(path, false);
        byte[] content = body == null ? new byte[0] : body;
        return sessions.usable(id, owner, RUNNING, "writing files")
                .flatMap(s -> sessions.blocking(() -> {
                    files.write(s.containerId, s.diskMb * 1024L * 1024L, List.of(new Upload(p, content)));
                    return Map.<String, Object>of("path", p, "size", content.length);
                }));
    }

    @DELETE
    @Path("/files/{path: .+}")
    public Uni<Response> delete(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                @PathParam("path") String path) {
        String p = WorkspaceFiles.relative(path, false);
        return sessions.usable(id, owner, RUNNING, "deleting files")
                .flatMap(s -> sessions.blocking(() -> {
                    files.delete(s.containerId, p);
                    return Response.noContent().build();
                }));
    }

    @POST
    @Path("/files:sync")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> sync(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                         List<SyncFile> body) {
        if (body == null || body.isEmpty()) {
            throw Problem.invalid("The body is a JSON array of {path, content, encoding}; it is empty.");
        }
        if (body.size() > config.files().maxSyncFiles()) {
            throw Problem.tooLarge("At most " + config.files().maxSyncFiles() + " files per sync; got " + body.size()
                    + ".");
        }
        List<Upload> uploads = new ArrayList<>();
        long bytes = 0;
        for (SyncFile f : body) {
            if (f == null || f.path() == null) {
                throw Problem.invalid("Every file needs a path.");
            }
            String p = WorkspaceFiles.relative(f.path(), false);
            String content = f.content() == null ? "" : f.content();
            byte[] data = switch (f.encoding() == null ? "utf8" : f.encoding()) {
                case "utf8", "utf-8" -> content.getBytes(StandardCharsets.UTF_8);
                case "base64" -> {
                    try {
                        yield Base64.getMimeDecoder().decode(content);
                    } catch (IllegalArgumentException e) {
                        throw Problem.invalid("'" + p + "': content is not valid base64.");
                    }
                }
                default -> throw Problem.invalid("'" + p + "': encoding must be utf8 or base64.");
            };
            uploads.add(new Upload(p, data));
            bytes += data.length;
        }
        long total = bytes;
        return sessions.usable(id, owner, RUNNING, "writing files")
                .flatMap(s -> sessions.blocking(() -> {
                    files.write(s.containerId, s.diskMb * 1024L * 1024L, uploads);
                    return Map.<String, Object>of("written", uploads.size(), "bytes", total);
                }));
    }

    @GET
    @Path("/files:archive")
    @Produces({"application/x-tar", "application/zip"})
    public Uni<Response> archive(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                 @QueryParam("path") String path, @QueryParam("format") @DefaultValue("tar") String format,
                                 @Context RoutingContext routing) {
        String p = WorkspaceFiles.relative(path, true);
        if (!format.equals("tar") && !format.equals("zip")) {
            throw Problem.invalid("format must be tar or zip; '" + format + "' is not.");
        }
        return sessions.usable(id, owner, RUNNING, "downloading files")
                .flatMap(s -> sessions.blocking(() -> {
                    try {
                        java.nio.file.Path tar = Files.createTempFile("workspace-", ".tar");
                        routing.addEndHandler(v -> tar.toFile().delete());
                        try (OutputStream out = Files.newOutputStream(tar)) {
                            files.tar(s.containerId, p, out);
                        }
                        java.nio.file.Path result = tar;
                        if (format.equals("zip")) {
                            result = Files.createTempFile("workspace-", ".zip");
                            java.nio.file.Path zip = result;
                            routing.addEndHandler(v -> zip.toFile().delete());
                            tarToZip(tar, zip);
                        }
                        String name = "session-" + s.id + (p.isEmpty() ? "" : "-" + p.replace('/', '_')) + "." + format;
                        return Response.ok(result.toFile())
                                .type(format.equals("zip") ? "application/zip" : "application/x-tar")
                                .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                                .build();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
    }

    /** Same entries, modes and symlinks, in zip form (the workspace tar comes from tar inside the container). */
    static void tarToZip(java.nio.file.Path tar, java.nio.file.Path zip) throws IOException {
        try (var in = new TarArchiveInputStream(Files.newInputStream(tar));
             var out = new ZipArchiveOutputStream(zip)) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                if (name.isEmpty()) {
                    continue;
                }
                var z = new ZipArchiveEntry(name);
                z.setLastModifiedTime(e.getLastModifiedTime());
                if (e.isSymbolicLink()) {
                    z.setUnixMode(0120000 | 0777);
                    out.putArchiveEntry(z);
                    out.write(e.getLinkName().getBytes(StandardCharsets.UTF_8));
                } else if (e.isDirectory() || e.isFile()) {
                    z.setUnixMode((e.isDirectory() ? 040000 : 0100000) | (e.getMode() & 07777));
                    out.putArchiveEntry(z);
                    if (e.isFile()) {
                        in.transferTo(out);
                    }
                } else {
                    continue; // devices and fifos have no zip form
                }
                out.closeArchiveEntry();
            }
        }
    }

    @POST
    @Path("/packages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<PackageInstaller.Result> packages(@HeaderParam(Principal.HEADER) String owner,
                                                 @PathParam("id") String id, PackagesRequest body) {
        if (body == null) {
            throw Problem.invalid("The body is {manager: npm|pip, packages: [...]}.");
        }
        String refusal = PackageInstaller.refusal(body.manager(), body.packages(), config.packages().maxPackages());
        if (refusal != null) {
            throw Problem.invalid(refusal);
        }
        return sessions.usable(id, owner, EnumSet.of(SessionState.RUNNING, SessionState.STOPPED, SessionState.EXPIRED),
                        "installing packages")
                .flatMap(s -> sessions.blocking(() -> installer.install(s, body.manager(), body.packages())));
    }

    @POST
    @Path("/exec")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ExecResponse> exec(@HeaderParam(Principal.HEADER) String owner, @PathParam("id") String id,
                                  ExecRequest body) {
        List<String> command = command(body);
        var c = config.exec();
        long timeoutMs = body.timeoutMs() == null ? c.defaultTimeout().toMillis() : body.timeoutMs();
        if (timeoutMs < 1 || timeoutMs > c.maxTimeout().toMillis()) {
            throw Problem.invalid("timeoutMs must be between 1 and " + c.maxTimeout().toMillis() + "; " + timeoutMs
                    + " is not.");
        }
        // timeout(1) inside the container kills the command: an exec cannot be killed from outside.
        List<String> argv = new ArrayList<>(List.of("timeout", "-k", "1", (timeoutMs / 1000.0) + "s"));
        argv.addAll(command);
        return sessions.usable(id, owner, RUNNING, "running a command")
                .flatMap(s -> sessions.blocking(() -> {
                    long started = System.currentTimeMillis();
                    var out = exec.run(s.containerId, argv, null, c.maxOutputBytes(),
                            Duration.ofMillis(timeoutMs + 10_000));
                    long took = System.currentTimeMillis() - started;
                    boolean timedOut = !out.finished() || (out.exitCode() == 124 && took >= timeoutMs)
                            || (out.exitCode() == 137 && took >= timeoutMs);
                    return new ExecResponse(new String(out.stdout(), StandardCharsets.UTF_8),
                            new String(out.stderr(), StandardCharsets.UTF_8), out.exitCode(), timedOut,
                            out.stdoutTruncated(), out.stderrTruncated(), took);
                }))
                .call(r -> sessions.touch(id));
    }

    private static List<String> command(ExecRequest body) {
        if (body == null || body.command() == null) {
            throw Problem.invalid("command is required: a shell line (\"ls -la\") or an argv array ([\"ls\", \"-la\"]).");
        }
        JsonNode c = body.command();
        if (c.isTextual() && !c.asText().isBlank()) {
            return List.of("sh", "-c", c.asText());
        }
        if (c.isArray() && !c.isEmpty()) {
            List<String> argv = new ArrayList<>();
            c.forEach(a -> {
                if (!a.isTextual()) {
                    throw Problem.invalid("Every element of the command array must be a string.");
                }
                argv.add(a.asText());
            });
            return argv;
        }
        throw Problem.invalid("command must be a non-empty string or array of strings.");
    }
}
