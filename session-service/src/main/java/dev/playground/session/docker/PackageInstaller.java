package dev.playground.session.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.sandbox.SandboxConfig;
import dev.playground.contract.sandbox.SandboxSpec;
import dev.playground.session.config.SessionConfig;
import dev.playground.session.domain.SessionRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * npm and pip installs in two steps, so that nothing a user wrote ever runs while a route out exists:
 * <ol>
 * <li><b>Download</b> in a clean container from the session's image: no workspace mounted, no user config, lifecycle
 * scripts off, wheels only (building an sdist runs its code). Its one network is internal and shared only with the
 * allow-list egress proxy, its one way out. It writes what it fetched to stdout as a tar and is removed.</li>
 * <li><b>Install</b> inside the session's own container, which has no network: the tar goes in over the exec's
 * stdin, then {@code pip install --no-index} / {@code npm install --offline} install from it. Whatever the packages
 * or the workspace run there (npm lifecycle scripts, .pth files) runs without a way out.</li>
 * </ol>
 * Blocking: call from a worker thread.
 */
@ApplicationScoped
public class PackageInstaller {
    private static final Logger LOG = Logger.getLogger(PackageInstaller.class);
    private static final long MB = 1024L * 1024L;
    private static final String CA_PATH = "/etc/playground/extra-ca.pem";
    /** Package specs: names with versions/ranges/extras; never an option (no leading '-'), never a URL or path. */
    private static final Pattern SPEC = Pattern.compile("[A-Za-z0-9@][A-Za-z0-9@/._+\\-\\[\\],~^<>=!*]{0,213}");
    /** Exit codes of the download script. */
    private static final int REGISTRY_UNREACHABLE = 75, DOWNLOAD_FAILED = 76;

    private static final String PIP_DOWNLOAD = """
            mkdir -p /tmp/dl /tmp/home
            python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2]))' \\
              "$PG_INDEX" "$PG_REGISTRY_TIMEOUT" >/dev/null 2>/tmp/probe || { cat /tmp/probe >&2; exit 75; }
            python3 -m pip download --isolated --no-input --progress-bar off --disable-pip-version-check \\
              --only-binary=:all: --retries 1 --timeout "$PG_REGISTRY_TIMEOUT" --proxy "$PG_PROXY" \\
              --index-url "$PG_INDEX" $PG_PIP_OPTIONS --dest /tmp/dl -- "$@" >&2 || exit 76
            exec tar -C /tmp/dl -cf - .
            """;

    private static final String NPM_DOWNLOAD = """
            mkdir -p /tmp/dl/project /tmp/home && cd /tmp/dl/project
            npm ping >/dev/null 2>/tmp/probe || { cat /tmp/probe >&2; exit 75; }
            npm install -- "$@" >&2 || exit 76
            exec tar -C /tmp/dl -cf - cache
            """;

    private static final String PIP_INSTALL = """
            d=$(mktemp -d /tmp/pg-install.XXXXXX) || exit 1
            trap 'rm -rf "$d"' EXIT
            head -c "$1" | tar -xf - -C "$d" || exit 1
            shift
            cd /tmp
            python3 -m pip install --user --no-index --find-links "$d" --no-input --progress-bar off \\
              --disable-pip-version-check -- "$@" 2>&1
            """;

    private static final String NPM_INSTALL = """
            d=$(mktemp -d /tmp/pg-install.XXXXXX) || exit 1
            trap 'rm -rf "$d"' EXIT
            head -c "$1" | tar -xf - -C "$d" || exit 1
            shift
            npm install --offline --cache "$d/cache" --registry "$PG_REGISTRY" --no-audit --no-fund \\
              --no-update-notifier --prefix "$HOME" -- "$@" 2>&1
            """;

    /** What an install gave back. */
    public record Result(String manager, List<String> packages, int exitCode, boolean timedOut, String output,
                         long durationMs) {
    }

    /** What the download step fetched: a tar in a temporary file, deleted on close. */
    public record Download(Path archive, long size, String log) implements Closeable {
        @Override
        public void close() {
            try {
                Files.deleteIfExists(archive);
            } catch (IOException e) {
                LOG.warnf("could not delete %s: %s", archive, e.getMessage());
            }
        }
    }

    private final SandboxHosts hosts;
    private final SessionConfig config;
    private final SandboxConfig sandbox;
    private final SessionExec exec;
    private final SessionContainers containers;

    PackageInstaller(SandboxHosts hosts, SessionConfig config, SandboxConfig sandbox, SessionExec exec,
                     SessionContainers containers) {
        this.hosts = hosts;
        this.config = config;
        this.sandbox = sandbox;
        this.exec = exec;
        this.containers = containers;
    }

    /** Refuses anything that is not a plain package spec, before any container exists. */
    public static String refusal(String manager, List<String> packages, int max) {
        if (!"npm".equals(manager) && !"pip".equals(manager)) {
            return "manager must be 'npm' or 'pip'.";
        }
        if (packages == null || packages.isEmpty()) {
            return "packages must name at least one package.";
        }
        if (packages.size() > max) {
            return "At most " + max + " packages per request.";
        }
        for (String p : packages) {
            if (p == null || !SPEC.matcher(p).matches() || p.contains("..") || p.contains("://") || !scopedAtMost(p)) {
                return "'" + p + "' is not a package name with an optional version (e.g. requests==2.32.3, "
                        + "left-pad@1.3.0).";
            }
        }
        return null;
    }

    /**
     * A '/' only in an npm scope ({@code @types/node}): npm reads {@code user/repo} as a GitHub repository, whose
     * fetch and {@code prepare} step are another source than the registry.
     */
    private static boolean scopedAtMost(String spec) {
        int slash = spec.indexOf('/');
        return slash < 0 || (spec.startsWith("@") && slash > 1 && spec.indexOf('/', slash + 1) < 0);
    }

    /** Downloads and installs; a registry that cannot be reached or a package that cannot be fetched is a problem. */
    public Result install(SessionRecord s, String manager, List<String> packages) {
        long started = System.currentTimeMillis();
        long deadline = started + config.packages().timeout().toMillis();
        try (Download download = download(s, manager, packages, deadline)) {
            long left = Math.max(1000, deadline - System.currentTimeMillis());
            Result result = installInSession(s, manager, packages, download, left, started);
            LOG.infof("session %s: %s install of %s ended with %d", s.id, manager, packages, result.exitCode());
            return result;
        }
    }

    /** Step 1: a clean container fetches the packages through the egress proxy and hands them over as a tar. */
    Download download(SessionRecord s, String manager, List<String> packages, long deadline) {
        var p = config.packages();
        long maxBytes = p.maxDownloadMb() * MB;
        List<String> env = new ArrayList<>(List.of("HOME=/tmp/home", "PG_PROXY=" + p.proxy(),
                "PG_REGISTRY_TIMEOUT=" + p.registryTimeout().toSeconds(), "PG_INDEX=" + p.pipIndexUrl(),
                "http_proxy=" + p.proxy(), "https_proxy=" + p.proxy(), "HTTP_PROXY=" + p.proxy(),
                "HTTPS_PROXY=" + p.proxy(), "no_proxy=", "PIP_CONFIG_FILE=/dev/null",
                // npm: the registry through the proxy, a fresh cache, no scripts, no user or project config.
                "npm_config_registry=" + p.npmRegistry(), "npm_config_proxy=" + p.proxy(),
                "npm_config_https_proxy=" + p.proxy(), "npm_config_cache=/tmp/dl/cache",
                "npm_config_userconfig=/tmp/home/.npmrc", "npm_config_ignore_scripts=true", "npm_config_audit=false",
                "npm_config_fund=false", "npm_config_update_notifier=false", "npm_config_fetch_retries=1",
                "npm_config_fetch_timeout=" + p.registryTimeout().toMillis(), "npm_config_package_lock=false"));
        List<String> pipOptions = new ArrayList<>();
        p.pipTrustedHost().ifPresent(h -> pipOptions.addAll(List.of("--trusted-host", h)));
        SandboxSpec spec = SandboxSpec.of(sandbox.sandboxUser(), p.memoryMb() * MB, 1.0, 512, maxBytes)
                .withOpenFiles(4096)
                .withTmpfs("/tmp", maxBytes + 64 * MB, false)
                .withNetwork(p.network());
        if (p.caFile().isPresent()) {
            spec = spec.withBind(new Bind(p.caFile().get(), new Volume(CA_PATH), AccessMode.ro));
            env.addAll(List.of("SSL_CERT_FILE=" + CA_PATH, "NODE_EXTRA_CA_CERTS=" + CA_PATH, "npm_config_cafile=" + CA_PATH));
            pipOptions.addAll(List.of("--cert", CA_PATH));
        }
        env.add("PG_PIP_OPTIONS=" + String.join(" ", pipOptions));
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", manager.equals("pip") ? PIP_DOWNLOAD : NPM_DOWNLOAD,
                "download"));
        cmd.addAll(packages);
        // On the session's host: the tar goes from there into the session, and that host's egress proxy takes it out.
        DockerClient docker = hosts.reachable(s.host);
        var create = spec.applyTo(docker.createContainerCmd(s.image));
        Duration left = Duration.ofMillis(Math.max(1, deadline - System.currentTimeMillis()));
        // Its output is read from the attach stream; a log driver would keep a second copy on disk.
        create.withHostConfig(create.getHostConfig().withLogConfig(new LogConfig(LogConfig.LoggingType.NONE)))
                .withLabels(containers.helperLabels(s, SessionContainers.ROLE_DOWNLOAD, left))
                .withWorkingDir("/tmp")
                .withEnv(env)
                .withEntrypoint(List.of())
                .withCmd(cmd);
        Path archive;
        try {
            archive = Files.createTempFile("packages-", ".tar");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var log = new SessionExec.Capped(256 * 1024);
        try (OutputStream out = new CappedFile(Files.newOutputStream(archive), maxBytes)) {
            SessionExec.Ended ended = exec.runOnce(docker, create, out, log, left);
            String logText = new String(log.bytes(), StandardCharsets.UTF_8);
            if (!ended.finished()) {
                throw ApiProblem.of(ProblemType.UPSTREAM_TIMEOUT, "Downloading " + packages + " took longer than "
                        + config.packages().timeout().toSeconds() + " s; nothing was installed.");
            }
            if (ended.exitCode() == REGISTRY_UNREACHABLE) {
                String registry = manager.equals("pip") ? p.pipIndexUrl() : p.npmRegistry();
                throw ApiProblem.of(ProblemType.REGISTRY_UNREACHABLE, "The " + manager + " registry " + host(registry)
                        + " did not answer through the egress proxy within " + p.registryTimeout().toSeconds()
                        + " s; nothing was installed. " + lastLines(logText, 3));
            }
            if (ended.exitCode() != 0) {
                throw ApiProblem.invalid(manager + " could not download " + packages + "; nothing was installed."
                        + (manager.equals("pip") ? " Only wheels are downloaded (building a source distribution "
                        + "would run its code with a network). " : " ") + lastLines(logText, 8));
            }
            return new Download(archive, Files.size(archive), logText);
        } catch (UncheckedIOException e) {
            deleteQuietly(archive);
            if (e.getCause() instanceof CappedFile.TooLarge) {
                throw ApiProblem.tooLarge("The packages " + packages + " and their dependencies are larger than "
                        + p.maxDownloadMb() + " MB; nothing was installed.");
            }
            throw e;
        } catch (IOException e) {
            deleteQuietly(archive);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteQuietly(archive);
            throw e;
        }
    }

    /** A file that takes at most {@code max} bytes; one more is an error that stops the download. */
    private static final class CappedFile extends java.io.FilterOutputStream {
        /** The download passed its cap. */
        static final class TooLarge extends IOException {
            TooLarge() {
                super("over the download cap");
            }
        }

        private final long max;
        private long written;

        CappedFile(OutputStream out, long max) {
            super(out);
            this.max = max;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            written += len;
            if (written > max) {
                throw new TooLarge();
            }
            out.write(b, off, len);
        }
    }

    /** Step 2: the session installs from the tar, without a network. */
    private Result installInSession(SessionRecord s, String manager, List<String> packages, Download download,
                                    long timeoutMs, long started) {
        String ws = config.session().workdir();
        List<String> argv = new ArrayList<>(List.of("timeout", "-k", "2", (timeoutMs / 1000) + "s", "env",
                "HOME=" + ws, "PIP_BREAK_SYSTEM_PACKAGES=1", "PG_REGISTRY=" + config.packages().npmRegistry(), "sh",
                "-c", manager.equals("pip") ? PIP_INSTALL : NPM_INSTALL, "install", Long.toString(download.size())));
        argv.addAll(packages);
        SessionExec.Outcome outcome;
        try (InputStream tar = Files.newInputStream(download.archive())) {
            outcome = exec.run(SessionExec.InContainer.of(s), argv, tar, 1 << 20,
                    Duration.ofMillis(timeoutMs + 10_000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean timedOut = !outcome.finished() || outcome.exitCode() == 124 || outcome.exitCode() == 137;
        String output = download.log() + new String(outcome.stdout(), StandardCharsets.UTF_8)
                + (timedOut ? "\n[install stopped after " + config.packages().timeout().toSeconds() + " s]" : "");
        return new Result(manager, packages, outcome.exitCode(), timedOut, output,
                System.currentTimeMillis() - started);
    }

    private static String host(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    private static String lastLines(String log, int n) {
        List<String> lines = log.strip().lines().filter(l -> !l.isBlank()).toList();
        return String.join(" / ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file; the JVM's temp dir is cleaned with the container
        }
    }
}
