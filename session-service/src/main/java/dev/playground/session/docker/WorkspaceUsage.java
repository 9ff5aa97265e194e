package dev.playground.session.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.session.config.SessionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.jboss.logging.Logger;

/**
 * How many bytes each of this instance's workspace volumes holds, as the Docker engine counts them (`GET /system/df`,
 * which docker-java does not wrap). The engine walks the volume as root, so nothing a sandbox hides from itself (a
 * directory made unreadable, a name starting with a dot) escapes the count, which a `du` run inside the container
 * cannot promise. Only hosts with RUNNING sessions are asked, and an engine whose count is slow (one before API 1.42
 * sizes everything) less often ({@code disk-check-pacing}). Blocking: call from a worker thread.
 */
@ApplicationScoped
public class WorkspaceUsage {
    private static final Logger LOG = Logger.getLogger(WorkspaceUsage.class);
    private final SandboxHosts hosts;
    private final ObjectMapper json;
    private final SessionConfig config;

    WorkspaceUsage(SandboxHosts hosts, ObjectMapper json, SessionConfig config) {
        this.hosts = hosts;
        this.json = json;
        this.config = config;
    }

    /** The engine counts one disk usage at a time and refuses a second one meanwhile (another replica's, say). */
    public static class CountAlreadyRunning extends RuntimeException {
        CountAlreadyRunning(String message) {
            super(message);
        }
    }

    /** A host's last count, and when the next may be made ({@link System#nanoTime()}). */
    private record Count(Map<String, Long> sizes, long dueAt) {
    }

    /** The last count of each host that had sessions to count. */
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    /**
     * Volume name to size in bytes, for the session volumes of this instance on {@code onHosts} whose size an engine
     * that answers reported (volume names are unique across hosts: they carry the session id). A host whose last
     * count was slow is not asked again before {@code disk-check-pacing} times that long; its last count stands in.
     */
    @Retry(maxRetries = 3, delay = 250, jitter = 100, retryOn = CountAlreadyRunning.class)
    public Map<String, Long> workspaceSizes(Set<String> onHosts) {
        Map<String, Long> sizes = new HashMap<>();
        counts.keySet().retainAll(onHosts);
        for (String host : hosts.upHosts()) {
            if (!onHosts.contains(host)) {
                continue;
            }
            Count last = counts.get(host);
            long start = System.nanoTime();
            if (last != null && start - last.dueAt() < 0) {
                sizes.putAll(last.sizes());
                continue;
            }
            Map<String, Long> counted = workspaceSizes(((DockerClientImpl) hosts.client(host)).getHttpClient());
            long took = System.nanoTime() - start;
            long pause = took * Math.max(1, config.session().diskCheckPacing());
            if (took > config.session().diskCheckInterval().toNanos()) {
                // Limits are enforced that much later: worth an operator's eye (an engine before API 1.42, a cold cache).
                LOG.infof("the disk usage count of host %s took %d ms; its next in %d ms", host, took / 1_000_000,
                        pause / 1_000_000);
            }
            counts.put(host, new Count(counted, start + pause));
            sizes.putAll(counted);
        }
        return sizes;
    }

    private Map<String, Long> workspaceSizes(DockerHttpClient http) {
        var request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
                // Volumes only: an engine of API 1.42 or later then skips sizing images, containers and the build
                // cache every few seconds (CPU that every sandbox on the host feels); an older one ignores the filter.
                .path("/system/df?type=volume").build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            if (response.getStatusCode() != 200) {
                String message = json.readTree(response.getBody()).path("message").asText("");
                if (message.contains("already running")) {
                    throw new CountAlreadyRunning(message);
                }
                throw new IllegalStateException("Docker answered " + response.getStatusCode() + " to GET /system/df: "
                        + message);
            }
            return sessionVolumes(json.readTree(response.getBody()), config.instance());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The session volumes of {@code instance} in a `/system/df` answer, with their sizes (-1, not computed, left out). */
    static Map<String, Long> sessionVolumes(JsonNode df, String instance) {
        Map<String, Long> sizes = new HashMap<>();
        for (JsonNode v : df.path("Volumes")) {
            JsonNode labels = v.path("Labels");
            long size = v.path("UsageData").path("Size").asLong(-1);
            if (instance.equals(labels.path(ContainerLabels.INSTANCE).asText())
                    && ContainerLabels.KIND_SESSION.equals(labels.path(ContainerLabels.KIND).asText()) && size >= 0) {
                sizes.put(v.path("Name").asText(), size);
            }
        }
        return sizes;
    }
}
