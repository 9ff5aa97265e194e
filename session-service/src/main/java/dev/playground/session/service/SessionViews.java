package dev.playground.session.service;

import dev.playground.contract.auth.InternalAuth;
import dev.playground.contract.preview.PreviewToken;
import dev.playground.contract.session.InternalSession;
import dev.playground.contract.session.SessionState;
import dev.playground.session.config.SessionConfig;
import dev.playground.session.domain.SessionRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/** Turns records into what callers see: the public view (with signed preview URLs) and the internal one. */
@ApplicationScoped
public class SessionViews {

    /** Resource limits of a session. */
    public record Limits(int memoryMb, double cpus, int pids, int diskMb) {
    }

    /** A preview port as the public sees it: its own origin, with a token the gateway turns into a cookie. */
    public record PublicPort(int port, String previewUrl) {
    }

    /** The public session record. */
    public record SessionView(String id, String template, SessionState state, String host, List<PublicPort> ports,
                              Limits limits, int idleTimeoutMinutes, Instant createdAt, Instant lastActiveAt,
                              Instant stoppedAt, String stopReason) {
    }

    private final SessionConfig config;
    private final byte[] secret;
    private final URI previewBase;

    SessionViews(SessionConfig config) {
        this.config = config;
        this.secret = InternalAuth.strongSecret("playground.preview.secret (PLAYGROUND_PREVIEW_SECRET)",
                config.preview().secret());
        this.previewBase = URI.create(config.preview().baseUrl());
    }

    public SessionView view(SessionRecord s) {
        Instant expires = Instant.now().plus(config.preview().tokenTtl());
        List<PublicPort> ports = s.ports.stream()
                .map(p -> new PublicPort(p, previewOrigin(s.id, p) + "/?token="
                        + new PreviewToken(s.id, p, s.owner, expires).sign(secret)))
                .toList();
        return new SessionView(s.id, s.template, s.state, s.host, ports,
                new Limits(s.memoryMb, s.cpus, s.pids, s.diskMb), s.idleTimeoutSeconds / 60, s.createdAt,
                s.lastActiveAt, s.stoppedAt, s.stopReason);
    }

    /**
     * A port's own origin: {@code {scheme}://{sessionId}-{port}.{preview host}[:{port}]}, never the API's, so a page
     * served there (its scripts, a service worker) reaches nothing of the API or of another preview.
     */
    String previewOrigin(String sessionId, int port) {
        String authority = previewBase.getHost() + (previewBase.getPort() > 0 ? ":" + previewBase.getPort() : "");
        return previewBase.getScheme() + "://" + sessionId + "-" + port + "." + authority;
    }

    public InternalSession internal(SessionRecord s) {
        return new InternalSession(s.id, s.owner, s.state, s.host, s.containerId, config.session().workdir(), s.ports);
    }
}
