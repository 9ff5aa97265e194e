package dev.playground.session;

import static dev.playground.session.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.playground.contract.session.SessionState;
import dev.playground.session.domain.SessionRecord;
import dev.playground.session.domain.SessionRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Sessions made ahead of demand: a new python session takes a container that was already running, which is clean and
 * serves only it; other limits start their own; a pooled container that dies is replaced, not handed out.
 */
@QuarkusTest
@TestProfile(SessionPoolTest.Pooled.class)
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SessionPoolTest {

    public static class Pooled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "playground.session.pool.templates", "python",
                    "playground.session.pool.size", "2",
                    "playground.session.pool.interval", "1s",
                    "playground.session.reconcile-interval", "1s",
                    "playground.session.max-live-per-owner", "3");
        }
    }

    @Inject
    DockerClient docker;

    @Inject
    SessionRepository sessions;

    @Test
    void aNewSessionTakesAPooledContainerThatIsCleanAndServesOnlyIt() {
        Set<String> ready = awaitReady(2);
        String alice = "pool-alice-" + System.nanoTime();
        String bob = "pool-bob-" + System.nanoTime();

        Instant asked = Instant.now();
        String a = Api.createSession(alice, Map.of("template", "python"));
        String b = Api.createSession(bob, Map.of("template", "python"));
        String aContainer = SessionLifecycleTest.containerOf(alice, a);
        String bContainer = SessionLifecycleTest.containerOf(bob, b);

        // both were running before they were asked for, and they are two different ones
        assertThat(ready).contains(aContainer, bContainer);
        assertThat(aContainer).isNotEqualTo(bContainer);
        for (String c : List.of(aContainer, bContainer)) {
            assertThat(Instant.parse(docker.inspectContainerCmd(c).exec().getState().getStartedAt())).isBefore(asked);
        }
        // named after the session that took it, its workspace volume too
        assertThat(docker.inspectContainerCmd(aContainer).exec().getName()).isEqualTo("/playground-session-" + a);
        assertThat(docker.inspectContainerCmd(aContainer).exec().getMounts())
                .anySatisfy(m -> assertThat(m.getName()).isEqualTo("playground-session-" + a));

        // a clean sandbox: an empty workspace and /tmp, no process but its own, the sandbox user
        Map<String, Object> seen = Api.exec(alice, a, "ls -A /workspace | wc -l; ls -A /tmp | wc -l; id -u");
        assertThat(seen.get("stdout").toString().split("\n")).containsExactly("0", "0", "1000");
        // every process in it: its init and sleep, and this command's own (timeout, and sh or the cat it became)
        String[] processes = Api.exec(alice, a, "cat /proc/[0-9]*/comm").get("stdout").toString().split("\n");
        assertThat(processes).contains("docker-init", "sleep", "timeout")
                .allMatch(p -> Set.of("docker-init", "sleep", "timeout", "sh", "cat").contains(p));

        // what alice writes, bob never sees
        Api.sync(alice, a, List.of(Map.of("path", "secret.txt", "content", "alice's")));
        assertThat(Api.exec(bob, b, "ls -A /workspace; cat /workspace/secret.txt 2>&1").get("stdout").toString())
                .doesNotContain("alice's").contains("No such file");
        // each sees only its own session
        as(bob).get("/api/v1/sessions/" + a).then().statusCode(404);
        assertThat(as(alice).get("/api/v1/sessions").then().statusCode(200).extract().<List<String>>path("id"))
                .containsExactly(a);

        // the pool fills again with new containers
        Set<String> again = awaitReady(2);
        assertThat(again).doesNotContain(aContainer, bContainer);

        // deleted like any session: its container and volume go
        as(alice).delete("/api/v1/sessions/" + a).then().statusCode(204);
        as(bob).delete("/api/v1/sessions/" + b).then().statusCode(204);
        Api.await("the taken containers and volumes are gone", Duration.ofSeconds(20), () -> gone(aContainer)
                && gone(bContainer) && !volumeExists("playground-session-" + a) && !volumeExists("playground-session-" + b));
    }

    @Test
    void aSessionWithOtherLimitsStartsItsOwnContainer() {
        Set<String> ready = awaitReady(2);
        String owner = "pool-limits-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python", "limits", Map.of("memoryMb", 256)));
        String container = SessionLifecycleTest.containerOf(owner, id);
        assertThat(ready).doesNotContain(container);
        assertThat(docker.inspectContainerCmd(container).exec().getHostConfig().getMemory()).isEqualTo(256L << 20);
        assertThat(readyContainers()).containsAll(ready);
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    @Test
    void aPooledContainerThatDiedIsReplacedNotHandedOut() {
        Set<String> ready = awaitReady(2);
        for (String c : ready) {
            docker.killContainerCmd(c).exec();
        }
        Api.await("dead pooled containers are removed and replaced", Duration.ofSeconds(60), () -> {
            Set<String> now = readyContainers();
            return now.size() == 2 && ready.stream().allMatch(this::gone) && now.stream().noneMatch(ready::contains);
        });
        String owner = "pool-after-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python"));
        assertThat(Api.exec(owner, id, "echo alive").get("stdout")).isEqualTo("alive\n");
        assertThat(ready).doesNotContain(SessionLifecycleTest.containerOf(owner, id));
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    @Test
    void nobodyCanActAsTheOwnerOfThePool() throws Throwable {
        Set<String> ready = awaitReady(2);
        String pooled = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> sessions.list(
                "owner = ?1 and state = ?2", SessionRecord.POOLED, SessionState.RUNNING))).get(0).id;
        // signed like any caller's, and still refused: "-" names no principal
        as(SessionRecord.POOLED).get("/api/v1/sessions").then().statusCode(401);
        as(SessionRecord.POOLED).get("/internal/sessions/" + pooled).then().statusCode(401);
        as("someone").get("/api/v1/sessions/" + pooled).then().statusCode(404);
        assertThat(readyContainers()).isEqualTo(ready);
    }

    /** Waits until {@code n} pooled containers run, and returns their ids. */
    private Set<String> awaitReady(int n) {
        Api.await(n + " pooled sessions ready", Duration.ofSeconds(60), () -> readyContainers().size() == n);
        return readyContainers();
    }

    /** The containers of the ready pooled sessions, whose records are nobody's yet. */
    private Set<String> readyContainers() {
        try {
            return pooledRecords();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private Set<String> pooledRecords() throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> sessions.list(
                        "owner = ?1 and state = ?2", SessionRecord.POOLED, SessionState.RUNNING)))
                .stream().map(s -> s.containerId).collect(Collectors.toSet());
    }

    private boolean gone(String containerId) {
        try {
            docker.inspectContainerCmd(containerId).exec();
            return false;
        } catch (NotFoundException e) {
            return true;
        }
    }

    private boolean volumeExists(String name) {
        try {
            docker.inspectVolumeCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }
}
