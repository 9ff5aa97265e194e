package dev.playground.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What an operator sees on the Docker host: containers and volumes by label, and the stack's own containers
 * to kill and restart in fault scenarios. Never used to drive the product, only to observe and break it.
 */
public final class Host {
    /** The compose stack's instance label (docker-compose.yml PLAYGROUND_INSTANCE). */
    static final String INSTANCE = "compose";

    public static String docker(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "docker";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(Arrays.toString(cmd) + " failed: " + out);
            }
            return out.trim();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> lines(String out) {
        return out.isBlank() ? List.of() : List.of(out.split("\n"));
    }

    /**
     * The sandbox hosts of hosts mode ({@code -Dplayground.sandbox-hosts=sandbox-host-1,sandbox-host-2}, the compose
     * services of their nodes, as {@code ./playground test} passes them), or none: the single host.
     */
    static final List<String> SANDBOX_HOSTS = Arrays.stream(System.getProperty("playground.sandbox-hosts", "").split(","))
            .map(String::strip).filter(h -> !h.isEmpty()).toList();

    /**
     * A Docker engine that runs sandboxes and session containers: this machine's, or a sandbox host's, reached with a
     * {@code docker exec} into its node (the operator's view from that host's own shell).
     *
     * @param node the compose service of the sandbox host's node, or null for this machine's engine
     */
    public record Engine(String node) {
        public String docker(String... args) {
            if (node == null) {
                return Host.docker(args);
            }
            List<String> cmd = new ArrayList<>(List.of("exec", stackContainer(node), "docker"));
            cmd.addAll(List.of(args));
            return Host.docker(cmd.toArray(String[]::new));
        }

        @Override
        public String toString() {
            return node == null ? "this machine's engine" : node;
        }
    }

    /** Every engine sandboxes run on: each sandbox host's in hosts mode, else this machine's. */
    public static List<Engine> sandboxEngines() {
        return SANDBOX_HOSTS.isEmpty() ? List.of(new Engine(null)) : SANDBOX_HOSTS.stream().map(Engine::new).toList();
    }

    /** The same docker command on every sandbox engine, its output lines together. */
    private static List<String> onEveryEngine(String... args) {
        List<String> all = new ArrayList<>();
        sandboxEngines().forEach(e -> all.addAll(lines(e.docker(args))));
        return all;
    }

    /** Containers (running or not) of this stack carrying the label {@code key=value}, on any sandbox engine. */
    static List<String> containers(String key, String value) {
        return onEveryEngine("ps", "-aq", "--filter", "label=playground.instance=" + INSTANCE,
                "--filter", "label=" + key + "=" + value);
    }

    static List<String> runningContainers(String key, String value) {
        return onEveryEngine("ps", "-q", "--filter", "label=playground.instance=" + INSTANCE,
                "--filter", "label=" + key + "=" + value);
    }

    /**
     * Run sandboxes of this stack: started for their run, or warm ones a run claimed (kind pool: their labels predate
     * the run, so only their name, {@code playground-exec-<executionId>[_language_version]}, says whose they are).
     *
     * @param executionId one run's, or null for every run's
     */
    static List<String> runSandboxes(String executionId, boolean runningOnly) {
        return onEveryEngine("ps", runningOnly ? "-q" : "-aq", "--filter", "label=playground.instance=" + INSTANCE,
                "--filter", "name=playground-exec-" + (executionId == null ? "" : executionId));
    }

    static List<String> volumes(String key, String value) {
        return onEveryEngine("volume", "ls", "-q", "--filter", "label=" + key + "=" + value);
    }

    /**
     * Ids of the pooled sessions session-service keeps ready (made ahead of demand; owned by nobody until a new session
     * takes one), as its database records them: their containers have a live record no principal can list.
     */
    public static Set<String> pooledSessions() {
        String out = docker("exec", stackContainer("postgres"), "psql", "-U", "playground", "-d", "playground", "-Atc",
                "select id from session where owner = '-' and state <> 'DELETED'");
        return Set.copyOf(lines(out));
    }

    /** How many pooled sessions of {@code image} are ready (RUNNING) on the sandbox host that has the fewest. */
    public static int readyPooledSessions(String image) {
        String out = docker("exec", stackContainer("postgres"), "psql", "-U", "playground", "-d", "playground", "-Atc",
                "select count(*) from session where owner = '-' and state = 'RUNNING' and image = '"
                        + image.replace("'", "") + "' group by host");
        List<String> counts = lines(out);
        int hosts = Math.max(1, SANDBOX_HOSTS.size());
        return counts.size() < hosts ? 0 : counts.stream().mapToInt(Integer::parseInt).min().orElse(0);
    }

    /** The container of a compose service, e.g. "executor-service" or, in hosts mode, "executor-service-2". */
    public static String stackContainer(String service) {
        String id = docker("ps", "-aq", "--filter", "label=com.docker.compose.service=" + service,
                "--filter", "label=com.docker.compose.project=playground");
        if (id.isBlank()) {
            throw new AssertionError("no container for " + service + ": is the stack up?");
        }
        return id.split("\n")[0];
    }

    /**
     * The compose services that run a service: itself on one host, its numbered instances ({@code executor-service-1},
     * {@code executor-service-2}) in hosts mode. Each is also the instance's name on the backend network.
     */
    public static List<String> instances(String service) {
        List<String> names = lines(docker("ps", "--filter", "label=com.docker.compose.project=playground",
                "--format", "{{.Label \"com.docker.compose.service\"}}")).stream()
                .filter(s -> s.equals(service) || s.matches(java.util.regex.Pattern.quote(service) + "-\\d+"))
                .sorted().toList();
        if (names.isEmpty()) {
            throw new AssertionError("no running instance of " + service + ": is the stack up?");
        }
        return names;
    }

    /** A service instance's own metrics ({@code playground_*}, as {@code name{tags}} to value), read inside its container. */
    public static Map<String, Double> playgroundMetrics(String instance) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String l : lines(docker("exec", stackContainer(instance), "curl", "-fsS", "http://localhost:8080/q/metrics"))) {
            if (l.startsWith("playground_")) {
                int sp = l.lastIndexOf(' ');
                m.put(l.substring(0, sp), Double.parseDouble(l.substring(sp + 1)));
            }
        }
        return m;
    }

    /**
     * Kills the Docker engine with SIGKILL, as a crash would, and starts it again the way this host runs it:
     * through systemd when systemd manages it, otherwise with the README's own command ({@code ./playground},
     * which starts dockerd in its own session). Needs root, like the test command's own set-up.
     */
    static void crashAndRestartDockerEngine() throws Exception {
        boolean systemd = run("systemctl", "is-active", "--quiet", "docker") == 0;
        if (systemd) {
            assertRan(run("systemctl", "kill", "--signal=SIGKILL", "docker.service"), "systemctl kill docker");
            assertRan(run("systemctl", "restart", "docker.service"), "systemctl restart docker");
        } else {
            List<ProcessHandle> engines = ProcessHandle.allProcesses()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/dockerd")).orElse(false)).toList();
            if (engines.isEmpty()) {
                throw new AssertionError("no dockerd process to kill (is the engine remote?)");
            }
            engines.forEach(ProcessHandle::destroyForcibly);
            long killed = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!engines.stream().allMatch(e -> dead(e.pid()))) {
                if (System.nanoTime() > killed) {
                    throw new AssertionError("dockerd did not die within 30 s of SIGKILL");
                }
                Thread.sleep(100);
            }
            Path script = Path.of("").toAbsolutePath().getParent().resolve("playground");
            int exit = run(180, script.toString(), "status");
            if (exit != 0) {
                throw new AssertionError(script + " status could not start dockerd again (exit " + exit
                        + "); its log ends:\n" + engineLogTail());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (run("docker", "info") != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the Docker engine did not come back within 120 s; its log ends:\n"
                        + engineLogTail());
            }
            Thread.sleep(500);
        }
    }

    /** Gone, or a zombie nobody has reaped yet (it holds no resources and can do nothing more). */
    private static boolean dead(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    private static String engineLogTail() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/var/log/dockerd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no /var/log/dockerd.log: " + e.getMessage() + ")";
        }
    }

    private static int run(String... cmd) {
        return run(60, cmd);
    }

    private static int run(int timeoutSeconds, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void assertRan(int exit, String what) {
        if (exit != 0) {
            throw new AssertionError(what + " failed (exit " + exit + "); restarting the engine needs root");
        }
    }
}
