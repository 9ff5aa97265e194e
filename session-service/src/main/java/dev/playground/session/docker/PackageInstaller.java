package dev.playground.session.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Volume;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.sandbox.SandboxSpec;
import dev.playground.session.config.PlaygroundConfig;
import dev.playground.session.domain.SessionRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * npm and pip installs. The session itself has no network, so each install runs in a short-lived helper container
 * from the session's own image, hardened like the session, that alone has network and writes into the workspace
 * volume. pip installs with {@code --user} (HOME is the workspace, so the session's python finds the packages);
 * npm installs into the workspace's node_modules. Blocking.
 */
@ApplicationScoped
public class PackageInstaller {
    private static final Logger LOG = Logger.getLogger(PackageInstaller.class);
    private static final long MB = 1024L * 1024L;
    private static final String CA_PATH = "/etc/playground/extra-ca.pem";
    /** Package specs: names with versions/ranges/extras; never an option (no leading '-'), never a URL or path. */
    private static final Pattern SPEC = Pattern.compile("[A-Za-z0-9@][A-Za-z0-9@/._+\\-\\[\\],~^<>=!*]{0,213}");

    /** What an install gave back. */
    public record Result(String manager, List<String> packages, int exitCode, boolean timedOut, String output,
                         long durationMs) {
    }

    private final DockerClient docker;
    private final PlaygroundConfig config;

    PackageInstaller(DockerClient docker, PlaygroundConfig config) {
        this.docker = docker;
        this.config = config;
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
            if (p == null || !SPEC.matcher(p).matches() || p.contains("..") || p.contains("://")) {
                return "'" + p + "' is not a package name with an optional version (e.g. requests==2.32.3, "
                        + "left-pad@1.3.0).";
            }
        }
        return null;
    }

    public Result install(SessionRecord s, String manager, List<String> packages) {
        var p = config.packages();
        String ws = config.session().workdir();
        List<String> env = new ArrayList<>(List.of("HOME=" + ws, "npm_config_cache=/tmp/.npm",
                "npm_config_update_notifier=false", "npm_config_fund=false", "npm_config_audit=false",
                "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1", "PIP_BREAK_SYSTEM_PACKAGES=1"));
        p.npmRegistry().ifPresent(r -> env.add("npm_config_registry=" + r));
        p.pipIndexUrl().ifPresent(u -> env.add("PIP_INDEX_URL=" + u));
        p.pipTrustedHost().ifPresent(h -> env.add("PIP_TRUSTED_HOST=" + h));
        SandboxSpec spec = SandboxSpec.of(p.memoryMb() * MB, Math.max(s.cpus, 1.0), 512, s.diskMb * MB)
                .withOpenFiles(4096)
                .withTmpfs("/tmp", 512 * MB, true)
                .withBind(new Bind(s.volumeName, new Volume(ws)))
                .withNetwork(p.network());
        if (p.caFile().isPresent()) {
            spec = spec.withBind(new Bind(p.caFile().get(), new Volume(CA_PATH), AccessMode.ro));
            env.addAll(List.of("NODE_EXTRA_CA_CERTS=" + CA_PATH, "npm_config_cafile=" + CA_PATH,
                    "PIP_CERT=" + CA_PATH, "SSL_CERT_FILE=" + CA_PATH));
        }
        List<String> cmd = new ArrayList<>();
        if (manager.equals("pip")) {
            cmd.addAll(List.of("python3", "-m", "pip", "install", "--user", "--no-input", "--progress-bar", "off"));
        } else {
            cmd.addAll(List.of("npm", "install", "--no-progress", "--prefix", ws));
        }
        cmd.add("--");
        cmd.addAll(packages);
        var labels = new java.util.HashMap<>(ContainerLabels.of(config.instance(), ContainerLabels.KIND_SESSION,
                s.id, s.owner));
        labels.put("playground.role", "package-install");
        long started = System.currentTimeMillis();
        String id = docker.createContainerCmd(s.image)
                .withLabels(labels)
                .withHostConfig(spec.toHostConfig().withInit(true))
                .withUser(config.session().user())
                .withWorkingDir(ws)
                .withEnv(env)
                .withEntrypoint(List.of())
                .withCmd(cmd)
                .exec().getId();
        try {
            docker.startContainerCmd(id).exec();
            Integer code;
            boolean timedOut = false;
            try {
                code = docker.waitContainerCmd(id).start()
                        .awaitStatusCode(p.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (com.github.dockerjava.api.exception.DockerClientException e) {
                // awaitStatusCode throws when the time limit passes first
                timedOut = true;
                code = 137;
                docker.killContainerCmd(id).exec();
            }
            String output = logs(id);
            if (timedOut) {
                output += "\n[install stopped after " + p.timeout().toSeconds() + " s]";
            }
            LOG.infof("session %s: %s install of %s ended with %d", s.id, manager, packages, code);
            return new Result(manager, packages, code, timedOut, output, System.currentTimeMillis() - started);
        } finally {
            docker.removeContainerCmd(id).withForce(true).exec();
        }
    }

    private String logs(String id) {
        var sb = new StringBuilder();
        try {
            docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            if (sb.length() < 1 << 20) {
                                sb.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        }
                    }).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sb.toString();
    }
}
