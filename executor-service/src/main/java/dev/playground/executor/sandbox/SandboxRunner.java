package dev.playground.executor.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.sandbox.SandboxConfig;
import dev.playground.contract.sandbox.SandboxSpec;
import dev.playground.contract.sandbox.SandboxUser;
import dev.playground.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs one {@link SandboxJob}: in a fresh hardened container (create, attach, start: the same three engine calls as
 * {@code docker run}), or with a {@code docker exec} into a session's container. The files, the steps and stdin go
 * in as frames on the attach connection's stdin, so no extra copy or exec call sits on the hot path; the supervisor
 * inside reports output and measurements back as frames. A sandbox that breaks the protocol is killed.
 */
@ApplicationScoped
public class SandboxRunner {

    private static final Logger LOG = Logger.getLogger(SandboxRunner.class);
    /** How long past its own limits a sandbox may stay silent before the executor kills it from outside. */
    private static final long GRACE_MS = 10_000;
    private static final long MB = 1024L * 1024L;
    private static final String EXEC_PREFIX = "playground-exec-";

    private final SandboxHosts hosts;
    /** Fresh runs this instance has going on each host: the next one goes where the fewest are. */
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    /** The container of each fresh run going on here, by execution id (a warm one keeps its own id). */
    private final Map<String, String> containers = new java.util.concurrent.ConcurrentHashMap<>();
    private final ExecutorConfig config;
    private final SandboxFactory factory;
    private final WarmPool pool;
    private final SandboxUser user;
    private final boolean gvisor;
    private final String supervisor;

    private final io.micrometer.core.instrument.MeterRegistry metrics;

    @jakarta.inject.Inject
    public SandboxRunner(SandboxHosts hosts, ExecutorConfig config, SandboxFactory factory, WarmPool pool,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this.hosts = hosts;
        this.metrics = metrics;
        this.config = config;
        this.factory = factory;
        this.pool = pool;
        this.user = factory.user();
        this.gvisor = factory.gvisor();
        this.supervisor = factory.supervisor();
    }

    /** Public so a test can make one for another instance (no warm pool); the service gets the CDI bean. */
    public SandboxRunner(SandboxHosts hosts, ExecutorConfig config, SandboxConfig sandbox) {
        this(hosts, config, new SandboxFactory(config, sandbox), null,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    /** What the engine said about a sandbox whose supervisor did not report (it was killed, e.g. by the OOM killer). */
    public record Outcome(boolean supervisorReported, boolean oomKilled, String error) {
    }

    /** Where a run in a session happens. */
    public record SessionTarget(String host, String containerId, String workdir) {
    }

    /** The name of an execution's sandbox container, started for it. */
    static String containerName(String executionId) {
        return EXEC_PREFIX + executionId;
    }

    /**
     * The name a warm sandbox takes when a run claims it: its labels (made before the run existed) cannot say whose
     * run it holds, so its name does, for the reaper of a later process: the run, its language and version, and its
     * principal in hex (a principal may hold '@', which a container name may not).
     */
    public static String claimedName(String executionId, String language, String version, String owner) {
        return EXEC_PREFIX + executionId + "_" + safe(language) + "_" + safe(version) + "_"
                + HexFormat.of().formatHex(owner.getBytes(StandardCharsets.UTF_8));
    }

    /** The principal a claimed warm sandbox's name carries; null when it carries none (or not in hex). */
    static String ownerInName(String part) {
        try {
            return part == null || part.isEmpty() ? null
                    : new String(HexFormat.of().parseHex(part), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String safe(String part) {
        return part == null || part.isEmpty() ? "unknown" : part.replaceAll("[^A-Za-z0-9.-]", "-");
    }

    /**
     * True when the sandbox is made with the compile step's larger memory and shrunk for the run. gVisor cannot
     * change a running sandbox's limits ({@code runsc} has no update), so there both steps get the run's memory.
     */
    private boolean resizes(SandboxJob job) {
        return job.resizeBeforeRun() && !gvisor;
    }

    /** Memory (MB) a job's sandbox starts with: the compile step's when it is shrunk for the run. */
    private long startMemoryMb(SandboxJob job) {
        return resizes(job) ? job.sandboxMemoryMb() : job.runLimits().memoryMb();
    }

    /** The hardened container spec of an execution sandbox. */
    SandboxSpec spec(SandboxJob job) {
        return factory.spec(startMemoryMb(job), job.pids());
    }

    /**
     * Runs the job in a fresh container and removes it whatever happens. Blocks until the sandbox is done;
     * {@code done} gets the outcome before the container's removal, so the caller's answer does not wait for it.
     *
     * @param language the run's language, and {@code version} its runtime's version: on the sandbox, for its reaper
     */
    public void runFresh(String host, String executionId, String owner, String language, String version, SandboxJob job,
            SandboxControl control, SandboxListener listener, Consumer<Outcome> done) {
        java.util.Set<String> tried = new java.util.HashSet<>();
        boolean reprobed = false;
        String current = host;
        while (true) {
            tried.add(current);
            listener.placedOn(current);
            var load = inFlight.computeIfAbsent(current, h -> new java.util.concurrent.atomic.AtomicInteger());
            load.incrementAndGet();
            try {
                runFresh(current, hosts.client(current), executionId, owner, language, version, job, control, listener,
                        done);
                return;
            } catch (HostUnreachable e) {
                // Nothing ran yet: the sandbox could not even be made there. Another host that answers takes it.
                hosts.unreachable(current, e.getCause());
                String failed = current;
                current = hosts.upHosts().stream().filter(h -> !tried.contains(h))
                        .min(java.util.Comparator.comparingInt(h -> inFlight.getOrDefault(h,
                                new java.util.concurrent.atomic.AtomicInteger()).get())).orElse(null);
                if (current == null && !reprobed && hosts.probe(failed)) {
                    // No other host, but this one answers a fresh ping: the connection that broke was a stale one
                    // (kept from before the host's engine came back). One more try there, on a new connection.
                    reprobed = true;
                    current = failed;
                }
                LOG.warnf("execution %s: sandbox host %s did not answer (%s); %s", executionId, failed,
                        e.getCause().getMessage(), current == null ? "no other host answers" : "placed on " + current);
                if (current == null) {
                    control.close();
                    done.accept(new Outcome(false, false, "no sandbox host answered (" + failed + ": "
                            + e.getCause().getMessage() + ")"));
                    return;
                }
            } finally {
                load.decrementAndGet();
            }
        }
    }

    /** The engine of the host could not be reached before anything of the run existed there. */
    private static final class HostUnreachable extends RuntimeException {
        HostUnreachable(RuntimeException cause) {
            super(cause);
        }
    }

    private void runFresh(String host, DockerClient docker, String executionId, String owner, String language,
            String version, SandboxJob job, SandboxControl control, SandboxListener listener, Consumer<Outcome> done) {
        String containerId = null;
        Outcome outcome;
        boolean elsewhere = false;
        boolean warm = false;
        try {
            long t = System.nanoTime();
            var taken = pool == null ? java.util.Optional.<WarmPool.Warm>empty()
                    : pool.take(host, job.image(), startMemoryMb(job), job.pids());
            if (taken.isPresent()) {
                containerId = claim(docker, taken.get(), executionId, owner, language, version, startMemoryMb(job));
                warm = containerId != null;
            }
            if (!warm) {
                Map<String, String> labels = new HashMap<>(ContainerLabels.of(config.instance(),
                        ContainerLabels.KIND_EXECUTION, executionId, owner));
                labels.put(ContainerLabels.LANGUAGE, language);
                labels.put(ContainerLabels.VERSION, version);
                config.replica().ifPresent(r -> labels.put(ContainerLabels.REPLICA, r));
                containerId = created(() -> factory.create(docker, job.image(), spec(job), containerName(executionId),
                        labels));
            }
            t = phase(warm ? "claim" : "create", warm, job, t);
            containers.put(executionId, containerId);
            String id = containerId;
            sendSetup(control, job, "/workspace", true);
            Stream stream = new Stream(control, listener, () -> {
                if (resizes(job)) {
                    long bytes = spec(job).withMemory(job.runLimits().memoryMb() * MB).cgroupMemoryBytes();
                    // Tighten the sandbox to the run's memory before the run starts (javac gets more than the program).
                    docker.updateContainerCmd(id).withMemory(bytes).withMemorySwap(bytes).exec();
                }
            });
            docker.attachContainerCmd(id).withStdIn(control.input()).withStdOut(true).withStdErr(true)
                    .withFollowStream(true).exec(stream);
            stream.awaitAttached();
            t = phase("attach", warm, job, t);
            if (!warm) {
                docker.startContainerCmd(id).exec();
                t = phase("start", warm, job, t);
            }
            // Under runc nothing but the supervisor writes to the sandbox's output (its descriptors are out of the
            // program's reach), so its last report is the outcome: the answer does not wait for the container's exit
            // (the engine's teardown, tens of milliseconds), which the removal below waits out instead. Under gVisor
            // a program can write there, so the stream's end decides (a frame after a report makes it suspect).
            boolean finished = gvisor ? stream.await(job.deadlineMs(GRACE_MS))
                    : stream.awaitLastReport(job.deadlineMs(GRACE_MS));
            phase("sandbox", warm, job, t);
            if (stream.violation != null || !finished) {
                LOG.warnf("sandbox %s of execution %s %s; killing it", id, executionId,
                        stream.violation != null ? "broke the supervisor protocol: " + stream.violation
                                : "outlived its limits");
                control.stop();
                kill(docker, id);
                stream.await(2_000);
            }
            if (stream.violation != null) {
                outcome = new Outcome(false, false, "the sandbox broke the supervisor protocol (" + stream.violation
                        + ") and was killed");
            } else if (stream.reported) {
                outcome = new Outcome(true, false, null);
            } else {
                var state = docker.inspectContainerCmd(id).exec().getState();
                // gVisor does not report OOMKilled: the cgroup's OOM killer takes its whole sandbox (supervisor
                // included) with SIGKILL. A SIGKILL this executor did not send is then the memory limit.
                boolean oom = Boolean.TRUE.equals(state.getOOMKilled()) || (gvisor && finished
                        && Long.valueOf(137).equals(state.getExitCodeLong()));
                outcome = new Outcome(false, oom, oom ? null : "the sandbox ended without a report (exit "
                        + state.getExitCodeLong() + ")" + stream.supervisorErrors());
            }
        } catch (HostUnreachable e) {
            elsewhere = true;
            throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "sandbox of execution %s failed", executionId);
            outcome = new Outcome(false, false, "the sandbox could not run: " + e.getMessage());
        } finally {
            if (!elsewhere) {
                control.close();
            }
        }
        try {
            done.accept(outcome);
        } finally {
            containers.remove(executionId);
            if (containerId != null) {
                long t = System.nanoTime();
                remove(docker, containerId);
                phase("remove", warm, job, t);
            }
            if (pool != null) {
                pool.runEnded();
            }
        }
    }

    /**
     * Makes a warm sandbox this run's: named for it, and given the run's memory when it differs from the pool's
     * (runc changes a running container's cgroup; under gVisor the pool gave only a sandbox of the same memory).
     * Null, the sandbox removed, when the engine refused: the run then starts cold. Nothing was sent to it yet.
     */
    private String claim(DockerClient docker, WarmPool.Warm warm, String executionId, String owner, String language,
            String version, long memoryMb) {
        try {
            SandboxHosts.onFreshConnection(() -> docker.renameContainerCmd(warm.containerId())
                    .withName(claimedName(executionId, language, version, owner)).exec());
            if (warm.memoryMb() != memoryMb) {
                long bytes = factory.spec(memoryMb, warm.pids()).cgroupMemoryBytes();
                docker.updateContainerCmd(warm.containerId()).withMemory(bytes).withMemorySwap(bytes).exec();
            }
            return warm.containerId();
        } catch (RuntimeException e) {
            if (SandboxHosts.isUnreachable(e)) {
                throw new HostUnreachable(e);
            }
            LOG.warnf("execution %s: the warm sandbox %s could not be claimed (%s); starting one cold", executionId,
                    warm.containerId(), e.getMessage());
            remove(docker, warm.containerId());
            return null;
        }
    }

    /**
     * Records how long one phase of a fresh run took (timer {@code playground.sandbox.phase}, by image, phase and warm or
     * cold sandbox): the hot path's profile, engine calls apart from the time inside the sandbox. Returns now.
     */
    private long phase(String phase, boolean warm, SandboxJob job, long since) {
        long now = System.nanoTime();
        metrics.timer("playground.sandbox.phase", "image", job.image(), "phase", phase, "sandbox", warm ? "warm" : "cold")
                .record(now - since, java.util.concurrent.TimeUnit.NANOSECONDS);
        return now;
    }

    /** Creates the container; an engine that cannot be reached is a {@link HostUnreachable}, anything else as it came. */
    private static String created(java.util.function.Supplier<String> create) {
        try {
            return SandboxHosts.onFreshConnection(create);
        } catch (RuntimeException e) {
            throw SandboxHosts.isUnreachable(e) ? new HostUnreachable(e) : e;
        }
    }

    /** Runs the job inside a session's container with docker exec (as the sandbox user), in its workspace. */
    public Outcome runInSession(String executionId, SandboxJob job, SessionTarget target, SandboxControl control,
            SandboxListener listener) {
        DockerClient docker = hosts.reachable(target.host());
        try {
            String execId = user.exec(docker, target.containerId())
                    .withCmd("perl", "-e", supervisor)
                    .withWorkingDir(target.workdir())
                    .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true)
                    .exec().getId();
            sendSetup(control, job, target.workdir(), false);
            Stream stream = new Stream(control, listener, () -> { });
            docker.execStartCmd(execId).withStdIn(control.input()).withDetach(false).exec(stream);
            stream.awaitAttached();
            if (!stream.await(job.deadlineMs(GRACE_MS)) || stream.violation != null) {
                control.stop();
                stream.await(2_000);
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // the exec ends with its stream
                }
            }
            if (stream.violation != null) {
                return new Outcome(false, false, "the run broke the supervisor protocol (" + stream.violation
                        + ") and was stopped");
            }
            return stream.reported ? new Outcome(true, false, null)
                    : new Outcome(false, false, "the run in session ended without a report" + stream.supervisorErrors());
        } catch (NotFoundException e) {
            return new Outcome(false, false, "the session's container is gone");
        } catch (RuntimeException e) {
            LOG.errorf(e, "run of execution %s in session container %s failed", executionId, target.containerId());
            return new Outcome(false, false, "the run in the session could not start: " + e.getMessage());
        } finally {
            control.close();
        }
    }

    private void sendSetup(SandboxControl control, SandboxJob job, String dir, boolean fresh) {
        boolean hold = fresh && resizes(job);
        String cfg = "fresh=" + (fresh ? 1 : 0) + "\ndir=" + dir + "\ncwall=" + job.compileLimits().wallMs()
                + "\nccpu=" + job.compileLimits().cpuMs() + "\nrwall=" + job.runLimits().wallMs() + "\nrcpu="
                + job.runLimits().cpuMs() + "\nout=" + job.outputBytes() + "\ninteractive=" + (job.interactive() ? 1 : 0)
                + "\nhold=" + (hold ? 1 : 0) + "\nartifacts=" + String.join(":", job.artifacts().paths())
                + "\nafiles=" + job.artifacts().maxFiles() + "\nafile=" + job.artifacts().maxFileBytes() + "\namax="
                + job.artifacts().maxTotalBytes() + "\n";
        ByteArrayOutputStream setup = new ByteArrayOutputStream();
        setup.writeBytes(SupervisorFrame.CONFIG.encode(cfg));
        setup.writeBytes(SupervisorFrame.COMPILE_ARGV.encode(SupervisorFrame.argv(job.compile())));
        setup.writeBytes(SupervisorFrame.RUN_ARGV.encode(SupervisorFrame.argv(job.run())));
        for (SandboxJob.SandboxFile f : job.files()) {
            byte[] name = f.name().getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[name.length + 1 + f.content().length];
            System.arraycopy(name, 0, payload, 0, name.length);
            System.arraycopy(f.content(), 0, payload, name.length + 1, f.content().length);
            setup.writeBytes(SupervisorFrame.FILE.encode(payload));
        }
        setup.writeBytes(SupervisorFrame.SETUP_DONE.encode());
        if (job.stdin().length > 0) {
            setup.writeBytes(SupervisorFrame.STDIN.encode(job.stdin()));
        }
        if (!job.interactive()) {
            setup.writeBytes(SupervisorFrame.STDIN_EOF.encode());
        }
        control.send(setup.toByteArray());
    }

    /** Kills an execution's sandbox from outside (a supervisor that stopped answering, a cancel that must land). */
    public void killSandboxOf(String host, String executionId) {
        kill(hosts.client(host), containers.getOrDefault(executionId, containerName(executionId)));
    }

    private void kill(DockerClient docker, String container) {
        try {
            docker.killContainerCmd(container).exec();
        } catch (RuntimeException e) {
            LOG.debugf("kill of %s: %s", container, e.getMessage());
        }
    }

    /** Removes a sandbox; a container already gone is fine. */
    public void remove(String host, String containerId) {
        remove(hosts.client(host), containerId);
    }

    private void remove(DockerClient docker, String containerId) {
        SandboxFactory.remove(docker, containerId);
    }

    /**
     * The host for a fresh run: of the hosts that answer, the one where this instance runs the fewest (an instance
     * sees only its own runs; with runs spread evenly by the load balancer, so are the hosts' loads).
     */
    public String pickHost() {
        List<String> up = hosts.upHosts();
        if (up.isEmpty()) {
            throw dev.playground.contract.problem.ApiProblem.of(dev.playground.contract.problem.ProblemType.HOST_UNAVAILABLE,
                    "No sandbox host answers; try again in a moment.").retryAfter(2);
        }
        return up.stream().min(java.util.Comparator.comparingInt(h -> inFlight.getOrDefault(h,
                new java.util.concurrent.atomic.AtomicInteger()).get())).orElseThrow();
    }

    /** The sandbox hosts that answer (the reaper visits each). */
    public List<String> upHosts() {
        return hosts.upHosts();
    }

    /**
     * A sandbox of this instance on a host that the reaper may have to act on.
     *
     * @param executionId the run it holds; null for a warm sandbox no run took, left by an earlier process
     * @param owner the run's principal when its labels say (a claimed warm sandbox's do not)
     */
    public record Sandbox(String containerId, String executionId, String owner, String language, String version,
            java.time.Instant created) {
    }

    /**
     * This instance's sandboxes on a host, running or not, that are not this process's waiting warm ones: started
     * for a run, claimed from a pool by a run, or warm ones of an earlier process (for the reaper).
     */
    public List<Sandbox> sandboxesToCheck(String host) {
        DockerClient docker = hosts.client(host);
        List<Sandbox> found = new java.util.ArrayList<>();
        for (Container c : list(docker, ContainerLabels.KIND_EXECUTION)) {
            Map<String, String> l = c.getLabels();
            found.add(new Sandbox(c.getId(), l.get(ContainerLabels.ID), l.get(ContainerLabels.OWNER),
                    l.get(ContainerLabels.LANGUAGE), l.get(ContainerLabels.VERSION), java.time.Instant.ofEpochSecond(c.getCreated())));
        }
        for (Container c : list(docker, ContainerLabels.KIND_POOL)) {
            String name = c.getNames() == null || c.getNames().length == 0 ? "" : c.getNames()[0].replaceFirst("^/", "");
            var created = java.time.Instant.ofEpochSecond(c.getCreated());
            if (name.startsWith(EXEC_PREFIX)) {
                String[] parts = name.substring(EXEC_PREFIX.length()).split("_", 4);
                found.add(new Sandbox(c.getId(), parts[0], parts.length > 3 ? ownerInName(parts[3]) : null,
                        parts.length > 1 ? parts[1] : null, parts.length > 2 ? parts[2] : null, created));
            } else if (pool == null || !pool.boot().equals(c.getLabels().get(ContainerLabels.BOOT))) {
                found.add(new Sandbox(c.getId(), null, null, null, null, created));
            }
        }
        return found;
    }

    private List<Container> list(DockerClient docker, String kind) {
        Map<String, String> filter = new HashMap<>();
        for (String f : ContainerLabels.filter(config.instance(), kind)) {
            filter.put(f.substring(0, f.indexOf('=')), f.substring(f.indexOf('=') + 1));
        }
        config.replica().ifPresent(r -> filter.put(ContainerLabels.REPLICA, r));
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec();
    }

    /** The attach/exec stream: demultiplexes Docker frames, reassembles supervisor frames, calls the listener. */
    private static final class Stream extends ResultCallback.Adapter<Frame> {
        private final SandboxControl control;
        private final SandboxListener listener;
        private final Runnable beforeRun;
        private final FrameDecoder decoder;
        private final CompletableFuture<Void> started = new CompletableFuture<>();
        private final StringBuilder supervisorErrors = new StringBuilder();
        private volatile boolean reported;
        private volatile String violation;
        /** Open at the sandbox's last report, or at the stream's end (or failure) without one. */
        private final java.util.concurrent.CountDownLatch lastReport = new java.util.concurrent.CountDownLatch(1);
        private boolean announced;

        Stream(SandboxControl control, SandboxListener listener, Runnable beforeRun) {
            this.control = control;
            this.listener = listener;
            this.beforeRun = beforeRun;
            this.decoder = new FrameDecoder(this::onFrame);
        }

        @Override
        public void onStart(Closeable stream) {
            super.onStart(stream);
            started.complete(null);
        }

        @Override
        public void onNext(Frame frame) {
            if (violation != null) {
                return;
            }
            if (frame.getStreamType() == StreamType.STDERR) {
                if (supervisorErrors.length() < 4096) {
                    supervisorErrors.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
                return;
            }
            try {
                decoder.accept(frame.getPayload());
            } catch (SupervisorProtocolException e) {
                violation = e.getMessage();
                lastReport.countDown();
                try {
                    close();
                } catch (IOException ignored) {
                    // the caller kills the sandbox either way
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            started.completeExceptionally(throwable);
            lastReport.countDown();
            super.onError(throwable);
        }

        @Override
        public void onComplete() {
            lastReport.countDown();
            super.onComplete();
        }

        private void onFrame(SupervisorFrame type, byte[] payload) {
            if (reported) {
                // The supervisor says nothing after its last report: a frame now was written by someone else (a
                // program that reached the supervisor's output, as under gVisor), and the report before it is suspect.
                throw new SupervisorProtocolException("a " + type + " frame came after the sandbox's last report");
            }
            if (!announced) {
                announced = true;
                listener.started();
            }
            switch (type) {
                case COMPILE_STDOUT, COMPILE_STDERR, RUN_STDOUT, RUN_STDERR -> listener.output(type, payload);
                case WAITING_FOR_INPUT -> listener.waitingForInput();
                case ARTIFACT -> {
                    int nul = indexOfNul(payload);
                    if (nul <= 0) {
                        throw new SupervisorProtocolException("an artifact chunk without a name");
                    }
                    listener.artifact(new String(payload, 0, nul, StandardCharsets.UTF_8),
                            java.util.Arrays.copyOfRange(payload, nul + 1, payload.length));
                }
                case COMPILE_REPORT -> {
                    StepReport report = StepReport.parse(payload);
                    listener.compiled(report);
                    if (report.succeeded()) {
                        try {
                            beforeRun.run();
                            control.send(SupervisorFrame.GO.encode());
                        } catch (RuntimeException e) {
                            control.stop();
                            throw e;
                        }
                    } else {
                        reported = true;
                        lastReport.countDown();
                    }
                }
                case RUN_REPORT -> {
                    listener.ran(StepReport.parse(payload));
                    reported = true;
                    lastReport.countDown();
                }
                case FATAL -> supervisorErrors.append(new String(payload, StandardCharsets.UTF_8));
                default -> throw new SupervisorProtocolException("a sandbox sent " + type + ", which only goes to it");
            }
        }

        private static int indexOfNul(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    return i;
                }
            }
            return -1;
        }

        void awaitAttached() {
            try {
                started.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not attach to the sandbox: " + e.getMessage(), e);
            }
        }

        boolean await(long millis) {
            try {
                return awaitCompletion(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /**
         * Waits for the sandbox's last report, or the stream's end without one. A protocol violation also ends the
         * wait (the stream closes). False when neither came in time; a stream that failed without a report throws
         * its error, as {@link #await} does.
         */
        boolean awaitLastReport(long millis) {
            try {
                if (!lastReport.await(millis, TimeUnit.MILLISECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (!reported) {
                throwFirstError();
            }
            return true;
        }

        String supervisorErrors() {
            return supervisorErrors.isEmpty() ? "" : ": " + supervisorErrors.toString().strip();
        }
    }
}
