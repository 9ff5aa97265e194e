package dev.playground.session.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.preview.PreviewToken;
import dev.playground.session.config.PlaygroundConfig;
import dev.playground.session.domain.PortMapping;
import dev.playground.session.domain.SessionRecord;
import dev.playground.session.domain.SessionState;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/** Turns records into what callers see: the public view (with signed preview URLs) and the internal one. */
@ApplicationScoped
public class SessionViews {
    private static final Logger LOG = Logger.getLogger(SessionViews.class);

    /** Resource limits of a session. */
    public record Limits(int memoryMb, double cpus, int pids, int diskMb) {
    }

    /** A preview port as the public sees it. */
    public record PublicPort(int port, String previewUrl) {
    }

    /** The public session record. */
    public record SessionView(String id, String template, SessionState state, List<PublicPort> ports, Limits limits,
                              int idleTimeoutMinutes, Instant createdAt, Instant lastActiveAt, Instant stoppedAt,
                              String stopReason) {
    }

    /** What the executor, the terminal service and the gateway need to reach a session. */
    public record InternalView(String id, String owner, SessionState state, String containerId, String workdir,
                               List<PortMapping> ports) {
    }

    private final PlaygroundConfig config;
    private final ObjectMapper json;
    private final byte[] secret;

    SessionViews(PlaygroundConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.secret = config.preview().secret().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElseGet(() -> {
            LOG.warn("playground.preview.secret (PLAYGROUND_PREVIEW_SECRET) is not set: preview URLs are signed with"
                    + " a random key the gateway cannot verify");
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        });
    }

    public SessionView view(SessionRecord s) {
        Instant expires = Instant.now().plus(config.preview().tokenTtl());
        String base = config.publicUrl().replaceAll("/+$", "");
        List<PublicPort> ports = ports(s).stream()
                .map(p -> new PublicPort(p.port(), base + "/preview/" + s.id + "/" + p.port() + "/?token="
                        + new PreviewToken(s.id, p.port(), s.owner, expires).sign(secret)))
                .toList();
        return new SessionView(s.id, s.template, s.state, ports, new Limits(s.memoryMb, s.cpus, s.pids, s.diskMb),
                s.idleTimeoutSeconds / 60, s.createdAt, s.lastActiveAt, s.stoppedAt, s.stopReason);
    }

    public InternalView internal(SessionRecord s) {
        return new InternalView(s.id, s.owner, s.state, s.containerId, config.session().workdir(), ports(s));
    }

    public List<PortMapping> ports(SessionRecord s) {
        try {
            return json.readValue(s.ports, new TypeReference<List<PortMapping>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("session " + s.id + ": unreadable ports", e);
        }
    }

    public String portsJson(List<PortMapping> ports) {
        try {
            return json.writeValueAsString(ports);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
