package dev.playground.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
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

    /** Containers (running or not) of this stack carrying the label {@code key=value}. */
    static List<String> containers(String key, String value) {
        return lines(docker("ps", "-aq", "--filter", "label=playground.instance=" + INSTANCE,
                "--filter", "label=" + key + "=" + value));
    }

    static List<String> runningContainers(String key, String value) {
        return lines(docker("ps", "-q", "--filter", "label=playground.instance=" + INSTANCE,
                "--filter", "label=" + key + "=" + value));
    }

    static List<String> volumes(String key, String value) {
        return lines(docker("volume", "ls", "-q", "--filter", "label=" + key + "=" + value));
    }

    /** The container of a compose service, e.g. "executor-service". */
    public static String stackContainer(String service) {
        String id = docker("ps", "-aq", "--filter", "label=com.docker.compose.service=" + service,
                "--filter", "label=com.docker.compose.project=playground");
        if (id.isBlank()) {
            throw new AssertionError("no container for " + service + ": is the stack up?");
        }
        return id.split("\n")[0];
    }

    /**
     * Kills the Docker engine with SIGKILL, as a crash would, and starts it again the way this host runs it:
     * through systemd when systemd manages it, otherwise as ./playground starts it (dockerd in its own session).
     * Needs root, like the test command's own set-up.
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
            for (ProcessHandle engine : engines) {
                engine.onExit().get(30, TimeUnit.SECONDS);
            }
            assertRan(run("sh", "-c", "setsid dockerd >>/var/log/dockerd.log 2>&1 </dev/null &"), "starting dockerd");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (run("docker", "info") != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the Docker engine did not come back within 60 s");
            }
            Thread.sleep(500);
        }
    }

    private static int run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
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
