package dev.playground.session.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Every setting of session-service (env override: upper-case with underscores, e.g. PLAYGROUND_INSTANCE). */
@ConfigMapping(prefix = "playground")
public interface SessionConfig {

    /** This deployment's name, written on every container, volume and network as label playground.instance. */
    @WithDefault("compose")
    String instance();

    Preview preview();

    Session session();

    Files files();

    Exec exec();

    Packages packages();

    Shares shares();

    /** Preview URLs. */
    interface Preview {
        /**
         * Where previews are served: each port gets the origin {@code {sessionId}-{port}.{host of this URL}}, with this
         * URL's scheme and port (PLAYGROUND_PREVIEW_BASE_URL, shared with the gateway).
         */
        @WithDefault("http://preview.localhost:8080")
        String baseUrl();

        /** HMAC key of preview tokens, shared with the gateway: at least 32 bytes, or the service does not start. */
        Optional<String> secret();

        /** How long a previewUrl's token stays valid after the record was read. */
        @WithDefault("24h")
        Duration tokenTtl();
    }

    /** Session containers and their lifecycle. */
    interface Session {
        /** Runtime image per template, e.g. playground.session.images.python=playground/runtime-python:latest. */
        Map<String, String> images();

        /** Mount point of the workspace volume inside the container (the images' HOME and WORKDIR). */
        @WithDefault("/workspace")
        String workdir();

        /** Memory limit (MB) when the request names none; swap is set equal to it. */
        @WithDefault("512")
        int defaultMemoryMb();

        /** Largest memory limit (MB) a request may ask for. */
        @WithDefault("2048")
        int maxMemoryMb();

        /** CPU quota (cores) when the request names none. */
        @WithDefault("0.5")
        double defaultCpus();

        /** Largest CPU quota (cores) a request may ask for. */
        @WithDefault("2")
        double maxCpus();

        /** Process limit when the request names none. */
        @WithDefault("256")
        int defaultPids();

        /** Largest process limit a request may ask for. */
        @WithDefault("1024")
        int maxPids();

        /** Workspace size limit (MB) when the request names none; also the largest file a process may write. */
        @WithDefault("1024")
        int defaultDiskMb();

        /** Largest workspace size limit (MB) a request may ask for. */
        @WithDefault("4096")
        int maxDiskMb();

        /** Size of the container's /tmp tmpfs (MB). */
        @WithDefault("256")
        int tmpMb();

        /** Idle timeout when the request names none. */
        @WithDefault("30m")
        Duration defaultIdleTimeout();

        /** Largest idle timeout a request may ask for. */
        @WithDefault("24h")
        Duration maxIdleTimeout();

        /** How long a stopped or expired session keeps its workspace before it is deleted. */
        @WithDefault("7d")
        Duration retention();

        /** Most sessions one owner may have STARTING or RUNNING at once. */
        @WithDefault("5")
        int maxLivePerOwner();

        /** Most preview ports one session may ask for. */
        @WithDefault("5")
        int maxPorts();

        /** How often idle sessions are looked for. */
        @WithDefault("30s")
        Duration reaperInterval();

        /** How often records and containers are brought into agreement. */
        @WithDefault("60s")
        Duration reconcileInterval();

        /**
         * How often workspace sizes are measured (Docker's disk usage): a RUNNING session whose workspace is over its
         * disk limit and still growing is stopped, with a stop reason.
         */
        @WithDefault("5s")
        Duration diskCheckInterval();

        /**
         * An engine before API 1.42 (Debian's Docker 20.10) ignores the volumes-only filter of its disk usage count and
         * sizes every image, container and volume: seconds of disk walking. There the next count of a host waits at
         * least this many times as long as its last count took, so counting takes at most this share of the engine's
         * time (1/N). Counts that take milliseconds are not slowed.
         */
        @WithDefault("10")
        int diskCheckPacing();

        /** A STARTING record older than this has lost its creator (service killed mid-create). */
        @WithDefault("2m")
        Duration startingGrace();

        /**
         * Memory one sandbox host may reserve for live sessions (their limits.memoryMb summed): a new session goes to
         * the host that answers and has the most of it left, and to none when every host is full (503).
         */
        @WithDefault("16384")
        int hostMemoryMb();

        /**
         * How long a sandbox host may miss its pings before its sessions are LOST (their workspaces wait on it; when
         * it answers again they are reconciled: RUNNING if their container still runs, STOPPED otherwise).
         */
        @WithDefault("10s")
        Duration hostLostAfter();

        /** How often sandbox hosts' states are looked at for sessions to mark LOST or bring back. */
        @WithDefault("3s")
        Duration hostCheckInterval();

        /** Most live sessions on one sandbox host. */
        @WithDefault("200")
        int maxPerHost();

        /** Sessions made ahead of demand (service/SessionPool). */
        Pool pool();
    }

    /**
     * Sessions made ahead of demand, per sandbox host and template image: a record owned by nobody, RUNNING on a new
     * container and an empty workspace volume, with the default limits. A new session of a pooled template that asks
     * for the default limits takes one; any other starts its own container.
     */
    interface Pool {
        /** Templates whose image is pooled (templates sharing an image share its pool); empty: no pool. */
        @WithDefault("python,node")
        java.util.List<String> templates();

        /** Ready sessions kept per sandbox host and pooled image; 0: no pool. */
        @WithDefault("2")
        int size();

        /** A ready session older than this is replaced (it runs the image it was made from, and the image may change). */
        @WithDefault("30m")
        Duration maxAge();

        /** How often pools are topped up (besides right after a session was taken) and old ones replaced. */
        @WithDefault("5s")
        Duration interval();
    }

    /** The workspace file API. */
    interface Files {
        /** Largest single file written or read through the API. */
        @WithDefault("10485760")
        long maxFileBytes();

        /** Most files in one files:sync request. */
        @WithDefault("1000")
        int maxSyncFiles();

        /** Most entries a tree listing returns (the response says when it was cut). */
        @WithDefault("10000")
        int maxTreeEntries();
    }

    /** How the blocking work principals ask for (commands, installs, archives, file transfers) is shared out. */
    interface Shares {
        /** Operations one principal may have running at once; past it 429 with Retry-After. */
        @WithDefault("8")
        int perPrincipal();

        /** Operations running at once on this instance, all principals together; past it 503 with Retry-After. */
        @WithDefault("32")
        int total();

        /**
         * Heap that executions' results read whole at once may take, all callers together (a result costs about three
         * times its stored length while it is read and answered); past it 503 with Retry-After. A read is never
         * refused while no other one runs, whatever its size.
         */
        @WithDefault("100663296")
        long resultReadBytes();
    }

    /** One-off commands in a session. */
    interface Exec {
        /** Timeout when the request names none. */
        @WithDefault("30s")
        Duration defaultTimeout();

        /** Largest timeout a request may ask for. */
        @WithDefault("10m")
        Duration maxTimeout();

        /** Bytes kept of each of stdout and stderr; the rest is dropped and the response says so. */
        @WithDefault("1048576")
        int maxOutputBytes();
    }

    /**
     * Package installs (npm, pip): downloaded in a clean container (no workspace, no user config, no scripts) whose
     * only way out is the egress proxy, then installed inside the networkless session.
     */
    interface Packages {
        /**
         * Docker network of the download container: internal (no route out), shared only with the egress proxy.
         * Never the backend network.
         */
        @WithDefault("playground-egress")
        String network();

        /** The allow-list egress proxy on that network, as the download container reaches it. */
        @WithDefault("http://egress-proxy:3128")
        String proxy();

        /** Time limit of one install, download and install together. */
        @WithDefault("5m")
        Duration timeout();

        /** How long the registry may take to answer its first request through the proxy. */
        @WithDefault("15s")
        Duration registryTimeout();

        /** Memory limit of the download container (MB). */
        @WithDefault("1024")
        int memoryMb();

        /** Largest download (all packages and their dependencies) one install may bring into a session (MB). */
        @WithDefault("512")
        int maxDownloadMb();

        /** Installs running at once on this instance; past it 503 with Retry-After. */
        @WithDefault("4")
        int maxConcurrent();

        /** Most packages in one request. */
        @WithDefault("50")
        int maxPackages();

        /** npm registry URL (a mirror; the egress proxy must allow its host). */
        @WithDefault("https://registry.npmjs.org/")
        String npmRegistry();

        /** pip index URL (PyPI or a mirror; the egress proxy must allow its host and its files' host). */
        @WithDefault("https://pypi.org/simple/")
        String pipIndexUrl();

        /** Host of a plain-HTTP pip mirror that pip may use (pip ignores non-HTTPS indexes otherwise). */
        Optional<String> pipTrustedHost();

        /**
         * Path ON THE DOCKER HOST of a PEM bundle of extra trusted CA certificates (corporate or intercepting
         * proxies), mounted read-only into download containers and named to npm, node and pip.
         */
        Optional<String> caFile();
    }
}
