package dev.playground.session.service;

import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import dev.playground.contract.session.SessionState;
import dev.playground.session.config.SessionConfig;
import dev.playground.session.docker.PackageInstaller;
import dev.playground.session.docker.SessionExec;
import dev.playground.session.docker.WorkspaceFiles;
import dev.playground.session.docker.WorkspaceFiles.Upload;
import dev.playground.session.domain.SessionRecord;
import dev.playground.session.domain.SessionRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Work inside a session's workspace: files, archives, commands and package installs. Every operation runs within its
 * principal's share of the blocking pool ({@link PrincipalShares}); writing, commands and installs need a RUNNING
 * session and count as its activity, while a STOPPED or EXPIRED session's files can still be listed, read and
 * downloaded (from its kept volume, read-only).
 */
@ApplicationScoped
public class WorkspaceService {
    private static final EnumSet<SessionState> RUNNING = EnumSet.of(SessionState.RUNNING);
    private static final EnumSet<SessionState> READABLE_STOPPED = EnumSet.of(SessionState.STOPPED, SessionState.EXPIRED);
    private static final long MB = 1024L * 1024L;
    /** Exit codes of timeout(1): 124 when it stopped the command, 137 when it had to kill it. */
    private static final int TIMEOUT_STOPPED = 124, TIMEOUT_KILLED = 137;

    /** One file of a files:sync request; encoding is "utf8" (default) or "base64". */
    public record SyncFile(String path, String content, String encoding) {
    }

    /** What a sync wrote. */
    public record Synced(int written, long bytes) {
    }

    /** A workspace archive in a temporary file, for the caller to stream and delete. */
    public record Archive(Path file, String contentType, String fileName) {
    }

    /** What a command gave back. */
    public record CommandResult(String stdout, String stderr, int exitCode, boolean timedOut, boolean stdoutTruncated,
                                boolean stderrTruncated, long durationMs) {
    }

    private final SessionService sessions;
    private final SessionRepository repository;
    private final PrincipalShares shares;
    private final WorkspaceFiles files;
    private final PackageInstaller installer;
    private final SessionExec exec;
    private final SessionConfig config;
    private final Semaphore installSlots;

    WorkspaceService(SessionService sessions, SessionRepository repository, PrincipalShares shares,
                     WorkspaceFiles files, PackageInstaller installer, SessionExec exec, SessionConfig config) {
        this.sessions = sessions;
        this.repository = repository;
        this.shares = shares;
        this.files = files;
        this.installer = installer;
        this.exec = exec;
        this.config = config;
        this.installSlots = new Semaphore(config.packages().maxConcurrent());
    }

    /** A running session of {@code owner}, touched, then {@code work} on its container within the owner's share. */
    private <T> Uni<T> inRunning(String owner, String id, String what, java.util.function.Function<SessionRecord, T> work) {
        return sessions.usable(id, owner, RUNNING, what).flatMap(s -> shares.run(owner, () -> work.apply(s)));
    }

    /**
     * A session whose files can be read, and where: in its running container, or (stopped or expired) on its kept
     * workspace volume, read-only, without starting it. Reading a stopped session's files does not wake it.
     */
    private <T> Uni<T> readable(String owner, String id, String what,
                                java.util.function.BiFunction<SessionRecord, SessionExec.Where, T> work) {
        return sessions.owned(id, owner).flatMap(s -> {
            if (s.state == SessionState.RUNNING) {
                return sessions.touch(id).flatMap(x -> shares.run(owner,
                        () -> work.apply(s, SessionExec.InContainer.of(s))));
            }
            if (READABLE_STOPPED.contains(s.state)) {
                return shares.run(owner, () -> work.apply(s, new SessionExec.OnVolume(s)));
            }
            if (s.state == SessionState.LOST) {
                return Uni.createFrom().failure(SessionService.lost(s));
            }
            return Uni.createFrom().failure(ApiProblem.of(ProblemType.SESSION_NOT_RUNNING, "Session " + id + " is "
                    + s.state + "; " + what
                    + " needs it RUNNING, STOPPED or EXPIRED."));
        });
    }

    public Uni<WorkspaceFiles.Tree> tree(String owner, String id, String path) {
        String p = WorkspaceFiles.relative(path, true);
        return readable(owner, id, "listing files", (s, where) -> files.tree(where, p));
    }

    public Uni<byte[]> read(String owner, String id, String path) {
        String p = WorkspaceFiles.relative(path, false);
        return readable(owner, id, "reading files", (s, where) -> files.read(where, p));
    }

    /** Writes one file; returns its normalised path. */
    public Uni<String> write(String owner, String id, String path, byte[] content) {
        String p = WorkspaceFiles.relative(path, false);
        return inRunning(owner, id, "writing files", s -> {
            files.write(SessionExec.InContainer.of(s), s.diskMb * MB, List.of(new Upload(p, content)));
            return p;
        });
    }

    public Uni<Void> delete(String owner, String id, String path) {
        String p = WorkspaceFiles.relative(path, false);
        return inRunning(owner, id, "deleting files", s -> {
            files.delete(SessionExec.InContainer.of(s), p);
            return null;
        });
    }

    /** Writes many files at once: every path and content is checked before anything is written. */
    public Uni<Synced> sync(String owner, String id, List<SyncFile> body) {
        if (body == null || body.isEmpty()) {
            throw ApiProblem.invalid("The body is a JSON array of {path, content, encoding}; it is empty.");
        }
        if (body.size() > config.files().maxSyncFiles()) {
            throw ApiProblem.tooLarge("At most " + config.files().maxSyncFiles() + " files per sync; got " + body.size()
                    + ".");
        }
        List<Upload> uploads = new ArrayList<>();
        long bytes = 0;
        for (SyncFile f : body) {
            if (f == null || f.path() == null) {
                throw ApiProblem.invalid("Every file needs a path.");
            }
            String p = WorkspaceFiles.relative(f.path(), false);
            byte[] data = decode(p, f.content() == null ? "" : f.content(), f.encoding());
            uploads.add(new Upload(p, data));
            bytes += data.length;
        }
        Synced synced = new Synced(uploads.size(), bytes);
        return inRunning(owner, id, "writing files", s -> {
            files.write(SessionExec.InContainer.of(s), s.diskMb * MB, uploads);
            return synced;
        });
    }

    private static byte[] decode(String path, String content, String encoding) {
        return switch (encoding == null ? "utf8" : encoding) {
            case "utf8", "utf-8" -> content.getBytes(StandardCharsets.UTF_8);
            case "base64" -> {
                try {
                    yield Base64.getMimeDecoder().decode(content);
                } catch (IllegalArgumentException e) {
                    throw ApiProblem.invalid("'" + path + "': content is not valid base64.");
                }
            }
            default -> throw ApiProblem.invalid("'" + path + "': encoding must be utf8 or base64.");
        };
    }

    /** A tar or zip of the directory at {@code path}; the caller deletes the file when it has sent it. */
    public Uni<Archive> archive(String owner, String id, String path, String format) {
        String p = WorkspaceFiles.relative(path, true);
        if (!format.equals("tar") && !format.equals("zip")) {
            throw ApiProblem.invalid("format must be tar or zip; '" + format + "' is not.");
        }
        return readable(owner, id, "downloading files", (s, where) -> {
            Path tar = null;
            try {
                tar = Files.createTempFile("workspace-", ".tar");
                try (OutputStream out = Files.newOutputStream(tar)) {
                    files.tar(where, p, out);
                }
                String name = "session-" + s.id + (p.isEmpty() ? "" : "-" + p.replace('/', '_')) + "." + format;
                if (format.equals("tar")) {
                    return new Archive(tar, "application/x-tar", name);
                }
                Path zip = Files.createTempFile("workspace-", ".zip");
                try {
                    tarToZip(tar, zip);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(zip);
                    throw e;
                }
                return new Archive(zip, "application/zip", name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (tar != null && format.equals("zip")) {
                    tar.toFile().delete();
                }
            }
        });
    }

    /** Same entries, modes and symlinks, in zip form (the workspace tar comes from tar inside the container). */
    static void tarToZip(Path tar, Path zip) throws IOException {
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

    /** Runs a command as the sandbox user in the workspace; timeout(1) inside the container enforces the limit. */
    public Uni<CommandResult> command(String owner, String id, List<String> command, Long requestedTimeoutMs) {
        var c = config.exec();
        long timeoutMs = requestedTimeoutMs == null ? c.defaultTimeout().toMillis() : requestedTimeoutMs;
        if (timeoutMs < 1 || timeoutMs > c.maxTimeout().toMillis()) {
            throw ApiProblem.invalid("timeoutMs must be between 1 and " + c.maxTimeout().toMillis() + "; " + timeoutMs
                    + " is not.");
        }
        // An exec cannot be killed from outside: timeout(1) in the container does it.
        List<String> argv = new ArrayList<>(List.of("timeout", "-k", "1", (timeoutMs / 1000.0) + "s"));
        argv.addAll(command);
        return inRunning(owner, id, "running a command", s -> {
            long started = System.currentTimeMillis();
            var out = exec.runIn(SessionExec.InContainer.of(s), argv, null, c.maxOutputBytes(), Duration.ofMillis(timeoutMs + 10_000));
            long took = System.currentTimeMillis() - started;
            boolean timedOut = !out.finished()
                    || ((out.exitCode() == TIMEOUT_STOPPED || out.exitCode() == TIMEOUT_KILLED) && took >= timeoutMs);
            return new CommandResult(new String(out.stdout(), StandardCharsets.UTF_8),
                    new String(out.stderr(), StandardCharsets.UTF_8), out.exitCode(), timedOut, out.stdoutTruncated(),
                    out.stderrTruncated(), took);
        }).call(r -> sessions.touch(id));
    }

    /**
     * Installs packages into a RUNNING session: one install at a time per session (whichever instance serves it), at
     * most {@code packages.max-concurrent} on this instance, within the owner's share.
     */
    public Uni<PackageInstaller.Result> install(String owner, String id, String manager, List<String> packages) {
        String refusal = PackageInstaller.refusal(manager, packages, config.packages().maxPackages());
        if (refusal != null) {
            throw ApiProblem.invalid(refusal);
        }
        return sessions.usable(id, owner, RUNNING, "installing packages")
                .call(s -> claimInstall(s.id))
                .flatMap(s -> {
                    if (!installSlots.tryAcquire()) {
                        return releaseInstall(s.id).flatMap(x -> Uni.createFrom().<PackageInstaller.Result>failure(
                                ApiProblem.of(ProblemType.BUSY, "The most package installs this service runs at once ("
                                        + config.packages().maxConcurrent() + ") are running; retry shortly.")
                                        .retryAfter(5)));
                    }
                    return shares.run(owner, () -> installer.install(s, manager, packages))
                            .eventually(() -> {
                                installSlots.release();
                                return releaseInstall(s.id);
                            });
                })
                .call(r -> sessions.touch(id));
    }

    private Uni<Void> claimInstall(String id) {
        Instant now = Instant.now();
        Instant stale = now.minus(config.packages().timeout()).minusSeconds(60);
        return Panache.withTransaction(() -> repository.claimInstall(id, now, stale)).flatMap(claimed -> claimed
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(ApiProblem.conflict("An install is already running in session " + id
                        + "; wait for it to finish.")));
    }

    private Uni<Void> releaseInstall(String id) {
        return Panache.withTransaction(() -> repository.releaseInstall(id)).replaceWithVoid();
    }
}
