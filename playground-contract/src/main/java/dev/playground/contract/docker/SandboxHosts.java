package dev.playground.contract.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.LocalDirectorySSLConfig;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.jboss.logging.Logger;

/**
 * The Docker engines sandboxes run on, each with a client and a state kept fresh by a ping. One machine has one host,
 * {@value #LOCAL}, on the local socket; several are configured as {@code name=tcp://address:2376} and reached only
 * with mutual TLS. A host that misses a ping is down: nothing new is placed there until it answers again.
 */
@Singleton
public class SandboxHosts {

    private static final Logger LOG = Logger.getLogger(SandboxHosts.class);

    /** The name of the one host of a single-machine set-up. */
    public static final String LOCAL = "local";

    /** A host's name and the address of its engine. */
    public record SandboxHost(String name, URI address) {
    }

    /**
     * A host's engine for a stream driven without docker-java (a terminal's, on an event loop): its address, and for a
     * tcp engine the mutual-TLS context docker-java's client uses too (null for a unix socket).
     */
    public record Engine(URI address, SSLContext tls) {
    }

    private final Map<String, DockerClient> clients = new LinkedHashMap<>();
    /** A second client per host for pings only: with a response timeout, which the main one cannot have (attach). */
    private final Map<String, DockerClient> pingClients = new LinkedHashMap<>();
    private final Map<String, SandboxHost> hosts = new LinkedHashMap<>();
    private final Map<String, Engine> engines = new LinkedHashMap<>();
    private final Map<String, Boolean> up = new ConcurrentHashMap<>();
    private final Map<String, String> lastError = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> downSince = new ConcurrentHashMap<>();
    private final ScheduledExecutorService pinger;
    private final DockerConfig config;

    public SandboxHosts(DockerConfig config) {
        this.config = config;
        for (SandboxHost host : parse(config.hosts().orElse(""), config.host())) {
            hosts.put(host.name(), host);
            clients.put(host.name(), connect(host, config, config.maxConnections(), null));
            engines.put(host.name(), new Engine(host.address(), tls(host, config)));
            pingClients.put(host.name(), connect(host, config, 2, config.pingTimeout()));
            up.put(host.name(), true); // optimistic until the first ping says otherwise
        }
        pinger = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("sandbox-host-ping").daemon().unstarted(r));
        pinger.scheduleWithFixedDelay(this::pingAll, 0, config.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Parses {@code name=uri,...}; empty means the single local host at {@code localAddress}. */
    public static List<SandboxHost> parse(String spec, String localAddress) {
        if (spec == null || spec.isBlank()) {
            return List.of(new SandboxHost(LOCAL, URI.create(localAddress)));
        }
        List<SandboxHost> list = new ArrayList<>();
        for (String entry : spec.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new IllegalArgumentException("sandbox host '" + e + "' is not name=tcp://address:port");
            }
            String name = e.substring(0, eq).trim();
            if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
                throw new IllegalArgumentException("sandbox host name '" + name + "' is not a DNS label (a-z, 0-9, -)");
            }
            URI uri = URI.create(e.substring(eq + 1).trim());
            if (!"tcp".equals(uri.getScheme()) && !"unix".equals(uri.getScheme())) {
                throw new IllegalArgumentException("sandbox host " + name + ": " + uri + " is neither tcp:// nor unix://");
            }
            if (list.stream().anyMatch(h -> h.name().equals(name))) {
                throw new IllegalArgumentException("sandbox host " + name + " is named twice");
            }
            list.add(new SandboxHost(name, uri));
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no sandbox host in '" + spec + "'");
        }
        return List.copyOf(list);
    }

    /** The directory of a tcp host's TLS material (ca.pem, cert.pem, key.pem); empty for a unix socket. */
    private static java.util.Optional<Path> tlsDir(SandboxHost host, DockerConfig config) {
        if (!"tcp".equals(host.address().getScheme())) {
            return java.util.Optional.empty();
        }
        Path dir = config.tlsDir().map(Path::of).orElseThrow(() -> new IllegalStateException("sandbox host "
                + host.name() + " is a tcp engine but no TLS material is configured (PLAYGROUND_SANDBOX_TLS_DIR): "
                + "a Docker engine is never reached over plain TCP"));
        for (String file : List.of("ca.pem", "cert.pem", "key.pem")) {
            if (!Files.isReadable(dir.resolve(file))) {
                throw new IllegalStateException("sandbox TLS material " + dir.resolve(file) + " is missing or unreadable");
            }
        }
        return java.util.Optional.of(dir);
    }

    private static SSLContext tls(SandboxHost host, DockerConfig config) {
        return tlsDir(host, config).map(dir -> new LocalDirectorySSLConfig(dir.toString()).getSSLContext()).orElse(null);
    }

    private static DockerClient connect(SandboxHost host, DockerConfig config, int connections, Duration timeout) {
        var builder = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host.address().toString());
        tlsDir(host, config).ifPresent(dir -> builder.withDockerTlsVerify(true).withDockerCertPath(dir.toString()));
        var clientConfig = builder.build();
        var http = new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .maxConnections(connections)
                .connectionTimeout(timeout != null ? timeout : Duration.ofSeconds(5));
        // No response timeout (zero), and set explicitly: HttpClient bounds a TLS handshake by the connection timeout
        // and leaves that on the socket, so without it a silent attach or exec stream (a program computing, an idle
        // terminal) on a tcp host broke with "Read timed out" after 5 s.
        http.responseTimeout(timeout != null ? timeout : Duration.ZERO);
        return DockerClientImpl.getInstance(clientConfig, http.build());
    }

    /** Pings every host at once (a host that hangs costs its own ping's timeout, not the others'). */
    private void pingAll() {
        Map<String, Thread> pings = new LinkedHashMap<>();
        for (String name : hosts.keySet()) {
            pings.put(name, Thread.ofVirtual().name("ping-" + name).start(() -> ping(name)));
        }
        for (Thread t : pings.values()) {
            try {
                t.join(config.pingTimeout().plusSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void ping(String name) {
        boolean was = up.getOrDefault(name, true);
        boolean now;
        try {
            pingClients.get(name).pingCmd().exec();
            now = true;
            lastError.remove(name);
        } catch (Exception e) {
            now = false;
            lastError.put(name, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        up.put(name, now);
        if (now) {
            downSince.remove(name);
        } else {
            downSince.putIfAbsent(name, java.time.Instant.now());
        }
        if (was != now) {
            LOG.infof("sandbox host %s is %s", name, now ? "up" : "down (" + lastError.get(name) + ")");
        }
    }

    /** Every host's name, in configured order. */
    public List<String> names() {
        return List.copyOf(hosts.keySet());
    }

    /** The first configured host: the one of a single-machine set-up. */
    public String first() {
        return hosts.keySet().iterator().next();
    }

    /** True when the name is a configured host. */
    public boolean knows(String name) {
        return name != null && hosts.containsKey(name);
    }

    /** True while the host answered its last ping. */
    public boolean isUp(String name) {
        return knows(name) && up.getOrDefault(name, false);
    }

    /** How long the host has missed its pings; zero while it answers. */
    public Duration downFor(String name) {
        java.time.Instant since = downSince.get(name);
        return since == null ? Duration.ZERO : Duration.between(since, java.time.Instant.now());
    }

    /** The hosts that answered their last ping, in configured order. */
    public List<String> upHosts() {
        return hosts.keySet().stream().filter(this::isUp).toList();
    }

    /** Each host's state, UP or DOWN, for health answers. */
    public Map<String, String> states() {
        Map<String, String> states = new LinkedHashMap<>();
        hosts.keySet().forEach(h -> states.put(h, isUp(h) ? "UP" : "DOWN"));
        return Collections.unmodifiableMap(states);
    }

    /** Why the host missed its last ping, if it did (for logs and the service's own health, never the public one). */
    public String lastError(String name) {
        return lastError.get(name);
    }

    /**
     * A caller could not reach the host (a connection that failed or broke): it counts as down at once, without waiting
     * for its next ping, which brings it back when it answers.
     */
    public void unreachable(String name, Throwable why) {
        if (!knows(name)) {
            return;
        }
        lastError.put(name, why.getClass().getSimpleName() + ": " + why.getMessage());
        downSince.putIfAbsent(name, java.time.Instant.now());
        if (Boolean.TRUE.equals(up.put(name, false))) {
            LOG.infof("sandbox host %s is down (%s)", name, lastError.get(name));
        }
    }

    /** True when {@code e} says the engine could not be reached (a network failure, not an answer of the engine). */
    public static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code e} is a pooled connection the engine closed meanwhile (its engine restarted, or a relay on the
     * way was cut and restored): the write breaks or the connection is reset before any answer. The request never
     * reached the engine, and the next connection the client takes may be fresh.
     */
    public static boolean isStaleConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof org.apache.hc.core5.http.NoHttpResponseException
                    || (t instanceof java.io.IOException && (m.contains("Broken pipe") || m.contains("Connection reset")))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs an engine call again while it fails on a stale pooled connection (each failure retires one; docker-java's
     * client does not re-validate idle connections and retries only idempotent calls). At most 8 tries: past that it
     * is not the pool but the host.
     */
    public static <T> T onFreshConnection(java.util.function.Supplier<T> call) {
        for (int attempt = 1;; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (attempt >= 8 || !isStaleConnection(e)) {
                    throw e;
                }
                LOG.debugf("an engine call met a stale pooled connection (%s); trying the next one", e.getMessage());
            }
        }
    }

    /** Pings the host now (blocking, at most the ping timeout) and records the answer: true when it is up. */
    public boolean probe(String name) {
        if (!knows(name)) {
            return false;
        }
        ping(name);
        return isUp(name);
    }

    /**
     * The engine of a host that is up, for a stream driven without docker-java; a 503 as {@link #reachable} when the
     * host does not answer.
     */
    public Engine reachableEngine(String name) {
        reachable(name);
        return engines.get(name == null ? first() : name);
    }

    /** The client of a host; an unknown host name is a bug or a record from another deployment. */
    public DockerClient client(String name) {
        DockerClient client = clients.get(name == null ? first() : name);
        if (client == null) {
            throw ApiProblem.of(ProblemType.UNAVAILABLE, "Sandbox host " + name + " is not one this deployment knows.");
        }
        return client;
    }

    /**
     * The client of a host that is up, or a 503 that says the host is unreachable. A host marked down is asked once
     * more first (blocking, at most the ping timeout): it may have come back since its last ping.
     */
    public DockerClient reachable(String name) {
        String host = name == null ? first() : name;
        if (!isUp(host) && !probe(host)) {
            throw ApiProblem.of(ProblemType.HOST_UNAVAILABLE, "Sandbox host " + host + " does not answer; "
                    + "what lives there is kept and comes back with it.");
        }
        return client(host);
    }

    @PreDestroy
    void close() {
        pinger.shutdownNow();
        for (DockerClient c : java.util.stream.Stream.concat(clients.values().stream(), pingClients.values().stream()).toList()) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debugf("closing a Docker client: %s", e.getMessage());
            }
        }
    }
}
