package dev.playground.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.contract.testing.TestSecrets;
import dev.playground.terminal.preview.PreviewTunnels;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A preview reaches a web server inside a session that has no network, through the tunnel server (SOCKS5, as the
 * gateway speaks it), and nothing else: not another principal, not a port the session did not declare, not a stopped
 * session, not a caller without the deployment's signature.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStandIn.class)
class PreviewTunnelTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    Vertx vertx;
    @Inject
    PreviewTunnels tunnels;

    private static DockerClient docker;
    private static String container;

    @BeforeAll
    static void startAServerInTheSession() throws Exception {
        docker = SessionServiceStandIn.dockerClient();
        container = docker.listContainersCmd().withNameFilter(java.util.List.of(SessionServiceStandIn.INSTANCE + "-session"))
                .exec().get(0).getId();
        // Listens on the loopback only: nothing but the tunnel's relay, inside the container, can reach it.
        String id = docker.execCreateCmd(container).withUser("1000:1000").withCmd("sh", "-c",
                "mkdir -p /workspace/site && echo 'hello from the session' > /workspace/site/index.html && "
                        + "exec python3 -m http.server " + SessionServiceStandIn.PREVIEW_PORT
                        + " --bind 127.0.0.1 --directory /workspace/site").exec().getId();
        docker.execStartCmd(id).withDetach(true).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<>());
    }

    @AfterAll
    static void close() throws Exception {
        if (docker != null) {
            docker.close();
        }
    }

    private String get(String principal, String signature, String session, int port) throws Exception {
        ProxyOptions socks = new ProxyOptions().setType(ProxyType.SOCKS5).setHost(base.getHost())
                .setPort(tunnels.port()).setUsername(principal).setPassword(signature);
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
        try {
            return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(session).setPort(port)
                            .setURI("/").setProxyOptions(socks))
                    .compose(r -> r.send().compose(resp -> resp.body().map(Buffer::toString)))
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    @Test
    void aPreviewReachesTheServerOnTheSessionsLoopbackThroughATunnel() throws Exception {
        String alice = SessionServiceStandIn.OWNER;
        String page = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (page == null) {
            try {
                page = get(alice, TestSecrets.sign(alice), SessionServiceStandIn.RUNNING, SessionServiceStandIn.PREVIEW_PORT);
            } catch (ExecutionException notListeningYet) {
                if (System.nanoTime() > deadline) {
                    throw notListeningYet;
                }
                Thread.sleep(300);
            }
        }
        assertEquals("hello from the session\n", page);
        // Keep-alive and many requests: each tunnel is its own relay, and they go away with their connections.
        for (int i = 0; i < 5; i++) {
            assertEquals(page, get(alice, TestSecrets.sign(alice), SessionServiceStandIn.RUNNING,
                    SessionServiceStandIn.PREVIEW_PORT));
        }
        long closed = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (tunnels.openCount() > 0 && System.nanoTime() < closed) {
            Thread.sleep(100);
        }
        assertEquals(0, tunnels.openCount(), "every tunnel closed with its connection");
    }

    @Test
    void nothingElseGoesThrough() {
        String alice = SessionServiceStandIn.OWNER;
        refused(() -> get(alice, "v1.1.forged", SessionServiceStandIn.RUNNING, SessionServiceStandIn.PREVIEW_PORT),
                "a caller without the deployment's signature");
        refused(() -> get("mallory", TestSecrets.sign("mallory"), SessionServiceStandIn.RUNNING,
                SessionServiceStandIn.PREVIEW_PORT), "another principal");
        refused(() -> get(alice, TestSecrets.sign(alice), SessionServiceStandIn.RUNNING, 22),
                "a port the session did not declare");
        refused(() -> get(alice, TestSecrets.sign(alice), SessionServiceStandIn.STOPPED, SessionServiceStandIn.PREVIEW_PORT),
                "a session that is not running");
    }

    private static void refused(java.util.concurrent.Callable<String> attempt, String who) {
        try {
            String body = attempt.call();
            throw new AssertionError(who + " got through: " + body);
        } catch (ExecutionException expected) {
            assertTrue(expected.getCause().getMessage() != null, who);
        } catch (Exception e) {
            throw new AssertionError(who + ": " + e, e);
        }
    }
}
