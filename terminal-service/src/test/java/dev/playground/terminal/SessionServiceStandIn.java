package dev.playground.terminal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.Principal;
import dev.playground.contract.auth.InternalAuth;
import dev.playground.contract.sandbox.SandboxSpec;
import dev.playground.contract.sandbox.SandboxUser;
import dev.playground.contract.testing.TestSecrets;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for session-service's internal API and executor-service's run endpoint, over real HTTP, backed by
 * a real session container (playground/runtime-python, hardened, labelled with this run's instance, removed
 * at the end). Sessions: {@value #RUNNING} and {@value #SECOND} (owner {@value #OWNER}, running), {@value #STOPPED}
 * (stopped) and {@value #OTHERS} (owner {@value #OTHER_OWNER}, running).
 * Tests read what it saw through {@code /stand-in/...}.
 */
public class SessionServiceStandIn implements QuarkusTestResourceLifecycleManager {

    public static final String OWNER = "alice";
    public static final String RUNNING = "s-running";
    public static final String STOPPED = "s-stopped";
    /** A second running session of {@value #OWNER} (in the same container). */
    public static final String SECOND = "s-second";
    /** Another principal, with a running session of her own, {@value #OTHERS} (in the same container). */
    public static final String OTHER_OWNER = "mallory";
    public static final String OTHERS = "s-mallory";
    /** Owner of each session by id. */
    private static final Map<String, String> OWNERS = Map.of(RUNNING, OWNER, STOPPED, OWNER, SECOND, OWNER,
            OTHERS, OTHER_OWNER);
    /** The one preview port the running session declares. */
    public static final int PREVIEW_PORT = 3000;
    /** This run's instance label, so nothing here touches another run's containers. */
    public static final String INSTANCE = "terminal-test-" + UUID.randomUUID().toString().substring(0, 8);

    private DockerClient docker;
    private String containerId;
    private Vertx vertx;
    private HttpServer server;
    private final Map<String, AtomicInteger> activity = new ConcurrentHashMap<>();
    private volatile String lastRunId = "";
    private volatile String lastRunRequest = "";

    @Override
    public Map<String, String> start() {
        docker = dockerClient();
        SandboxSpec spec = SandboxSpec.of(SandboxUser.DEFAULT, 256L << 20, 0.5, 128, 64L << 20)
                // Owned by the image's sandbox user, as a session's workspace volume is.
                .withOwnedTmpfs("/workspace", 64L << 20, true)
                .withTmpfs("/tmp", 16L << 20, false);
        containerId = spec.applyTo(docker.createContainerCmd("playground/runtime-python:latest"))
                .withName(INSTANCE + "-session")
                .withLabels(ContainerLabels.of(INSTANCE, ContainerLabels.KIND_SESSION, RUNNING, OWNER))
                .withCmd("sleep", "infinity")
                .exec().getId();
        docker.startContainerCmd(containerId).exec();

        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create());
        router.get("/internal/sessions/:id").handler(ctx -> {
            String id = ctx.pathParam("id");
            String principal = signed(ctx.request());
            String owner = OWNERS.get(id);
            if (owner == null || !owner.equals(principal)) {
                ctx.response().setStatusCode(404).putHeader("content-type", "application/problem+json")
                        .end(new JsonObject().put("status", 404).put("detail", "session " + id + " not found").encode());
                return;
            }
            boolean running = !STOPPED.equals(id);
            ctx.json(new JsonObject().put("id", id).put("owner", owner).put("state", running ? "RUNNING" : "STOPPED")
                    .put("containerId", running ? containerId : null).put("workdir", "/workspace")
                    .put("ports", new io.vertx.core.json.JsonArray().add(PREVIEW_PORT)));
        });
        router.post("/internal/sessions/:id/activity").handler(ctx -> {
            if (OWNER.equals(signed(ctx.request()))) {
                activity.computeIfAbsent(ctx.pathParam("id"), k -> new AtomicInteger()).incrementAndGet();
            }
            ctx.response().setStatusCode(204).end();
        });
        router.post("/api/v1/executions").handler(ctx -> {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null || body.getString("language") == null) {
                ctx.response().setStatusCode(422).putHeader("content-type", "application/problem+json")
                        .end(new JsonObject().put("status", 422).put("detail", "language is required").encode());
                return;
            }
            lastRunRequest = body.encode();
            lastRunId = "run-" + UUID.randomUUID();
            ctx.response().setStatusCode(202).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("id", lastRunId).put("status", "QUEUED").encode());
        });
        router.get("/stand-in/container").handler(ctx -> ctx.end(containerId));
        router.get("/stand-in/activity/:id").handler(ctx -> ctx.end(String.valueOf(
                activity.getOrDefault(ctx.pathParam("id"), new AtomicInteger()).get())));
        router.get("/stand-in/last-run").handler(ctx -> ctx.json(new JsonObject()
                .put("id", lastRunId).put("request", lastRunRequest)));
        try {
            server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage()
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("stand-in did not start", e);
        }
        String url = "http://localhost:" + server.actualPort();
        String early = EarlyExecution.publishBeforeStart();
        String longDone = EarlyExecution.publishCompletedBeforeStart("long-done", java.time.Duration.ofMinutes(20));
        String justDone = EarlyExecution.publishCompletedBeforeStart("just-done", java.time.Duration.ofMinutes(1));
        return Map.of(EarlyExecution.ID_KEY, early,
                EarlyExecution.LONG_DONE_KEY, longDone,
                EarlyExecution.JUST_DONE_KEY, justDone,
                "quarkus.rest-client.session-service.url", url,
                "quarkus.rest-client.executor-service.url", url,
                "test.stand-in.url", url);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
            vertx.close();
        }
        if (docker != null && containerId != null) {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        }
    }

    /** The request's principal when the terminal service signed it as the gateway would; null otherwise. */
    private static String signed(io.vertx.core.http.HttpServerRequest request) {
        String principal = request.getHeader(Principal.HEADER);
        return AUTH.verify(principal, request.getHeader(Principal.SIGNATURE_HEADER), java.time.Instant.now())
                ? principal : null;
    }

    private static final InternalAuth AUTH = InternalAuth.withSecret("test", java.util.Optional.of(TestSecrets.INTERNAL));

    static DockerClient dockerClient() {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        var http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create("unix:///var/run/docker.sock")).build();
        return DockerClientImpl.getInstance(config, http);
    }
}
