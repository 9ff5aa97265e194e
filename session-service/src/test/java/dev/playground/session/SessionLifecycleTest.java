package dev.playground.session;

import static dev.playground.session.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.playground.contract.Principal;
import dev.playground.contract.testing.TestSecrets;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.Topics;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SessionLifecycleTest {

    @Inject
    DockerClient docker;

    @Test
    void aSessionLivesStopsStartsAgainWithItsFilesAndIsDeletedWithoutATrace() {
        String owner = "lifecycle-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python",
                "limits", Map.of("memoryMb", 256, "cpus", 0.5, "pids", 128)));
        as(owner).get("/api/v1/sessions/" + id).then().statusCode(200)
                .body("state", equalTo("RUNNING"))
                .body("template", equalTo("python"))
                .body("limits.memoryMb", equalTo(256))
                .body("idleTimeoutMinutes", equalTo(30));

        // the container is hardened per the contract's baseline and labelled for this instance
        String containerId = containerOf(owner, id);
        var inspect = docker.inspectContainerCmd(containerId).exec();
        var host = inspect.getHostConfig();
        assertThat(inspect.getConfig().getUser()).isEqualTo("1000:1000");
        assertThat(host.getReadonlyRootfs()).isTrue();
        assertThat(host.getNetworkMode()).isEqualTo("none");
        assertThat(host.getMemory()).isEqualTo(256L << 20);
        assertThat(host.getMemorySwap()).isEqualTo(256L << 20);
        assertThat(host.getPidsLimit()).isEqualTo(128L);
        assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(host.getSecurityOpts()).contains("no-new-privileges");
        assertThat(host.getPrivileged()).isFalse();
        assertThat(inspect.getConfig().getLabels())
                .containsEntry(ContainerLabels.INSTANCE, SessionTestEnvironment.instance)
                .containsEntry(ContainerLabels.KIND, ContainerLabels.KIND_SESSION)
                .containsEntry(ContainerLabels.ID, id)
                .containsEntry(ContainerLabels.OWNER, owner);
        // inside: the sandbox user, no capabilities, and no way out
        var who = Api.exec(owner, id, "id -un; grep CapEff /proc/self/status; touch /etc/x 2>&1; "
                + "python3 -c \"import socket; socket.create_connection(('1.1.1.1', 80), 2)\" 2>&1 | tail -1");
        assertThat((String) who.get("stdout")).contains("sandbox").contains("0000000000000000")
                .contains("Read-only file system").containsAnyOf("unreachable", "Network is unreachable");

        as(owner).body("kept across restarts").put("/api/v1/sessions/" + id + "/files/notes/today.txt")
                .then().statusCode(200);

        as(owner).post("/api/v1/sessions/" + id + "/stop").then().statusCode(200).body("state", equalTo("STOPPED"));
        assertThat(docker.inspectContainerCmd(containerId).exec().getState().getRunning()).isFalse();
        as(owner).post("/api/v1/sessions/" + id + "/stop").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("only a RUNNING session"));
        // A stopped session's saved files are listed, read and downloaded without starting it (nothing can write).
        Instant stoppedActive = Instant.parse(as(owner).get("/api/v1/sessions/" + id).then().extract().path("lastActiveAt"));
        as(owner).get("/api/v1/sessions/" + id + "/files/notes/today.txt").then().statusCode(200)
                .body(equalTo("kept across restarts"));
        as(owner).get("/api/v1/sessions/" + id + "/files?path=notes").then().statusCode(200)
                .body("entries.path", hasItem("notes/today.txt"));
        byte[] zip = as(owner).queryParam("format", "zip").get("/api/v1/sessions/" + id + "/files:archive")
                .then().statusCode(200).extract().asByteArray();
        assertThat(new String(zip, 0, 2, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("PK");
        as(owner).body("no").put("/api/v1/sessions/" + id + "/files/notes/today.txt").then().statusCode(409)
                .body("detail", containsString("/start"));
        assertThat(Api.state(owner, id)).isEqualTo("STOPPED");
        assertThat(Instant.parse(as(owner).get("/api/v1/sessions/" + id).then().extract().<String>path("lastActiveAt")))
                .as("reading a stopped session's files does not wake it").isEqualTo(stoppedActive);
        assertThat(docker.listContainersCmd().withLabelFilter(Map.of(ContainerLabels.ID, id)).exec())
                .as("the reader containers are gone").isEmpty();

        as(owner).post("/api/v1/sessions/" + id + "/start").then().statusCode(200).body("state", equalTo("RUNNING"));
        as(owner).post("/api/v1/sessions/" + id + "/start").then().statusCode(409);
        String back = as(owner).get("/api/v1/sessions/" + id + "/files/notes/today.txt")
                .then().statusCode(200).extract().asString();
        assertThat(back).isEqualTo("kept across restarts");

        as(owner).get("/api/v1/sessions").then().statusCode(200).body("id", hasItem(id));

        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
        as(owner).get("/api/v1/sessions/" + id).then().statusCode(200).body("state", equalTo("DELETED"));
        as(owner).get("/api/v1/sessions").then().statusCode(200).body("id", not(hasItem(id)));
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(409);
        assertThat(docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.ID, id)).exec()).isEmpty();
        org.junit.jupiter.api.Assertions.assertThrows(NotFoundException.class,
                () -> docker.inspectVolumeCmd("playground-session-" + id).exec());

        // every state change was published, in order, keyed by the session id
        assertThat(sessionEvents(id, 5)).containsExactly("CREATED", "STARTED", "STOPPED", "STARTED", "DELETED");
    }

    @Test
    void sessionsAreEachOwnersOwnAndNeedAPrincipal() {
        String owner = "alice-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "c"));
        as("mallory").get("/api/v1/sessions/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        as("mallory").delete("/api/v1/sessions/" + id).then().statusCode(404);
        as("mallory").get("/internal/sessions/" + id).then().statusCode(404);
        as("mallory").get("/api/v1/sessions").then().statusCode(200).body("id", not(hasItem(id)));
        given().get("/api/v1/sessions/" + id).then().statusCode(401)
                .contentType("application/problem+json")
                .body("detail", containsString("X-Playground-Principal"));
        // A request made by hand inside the network, with the owner's name but no signature (or another's), is refused.
        given().header(Principal.HEADER, owner).get("/api/v1/sessions/" + id).then().statusCode(401)
                .body("detail", containsString("not signed"));
        given().header(Principal.HEADER, owner).header(Principal.SIGNATURE_HEADER, TestSecrets.sign("mallory"))
                .get("/internal/sessions/" + id).then().statusCode(401);
        as(owner).get("/internal/sessions/" + id).then().statusCode(200)
                .body("owner", equalTo(owner))
                .body("state", equalTo("RUNNING"))
                .body("workdir", equalTo("/workspace"))
                .body("containerId", equalTo(containerOf(owner, id)));
        as(owner).post("/internal/sessions/" + id + "/activity").then().statusCode(204);
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsCreated() {
        String owner = "careless-" + System.nanoTime();
        as(owner).body(Map.of("template", "cobol")).post("/api/v1/sessions").then().statusCode(422)
                .contentType("application/problem+json").body("detail", containsString("python"));
        as(owner).body(Map.of("template", "python", "limits", Map.of("memoryMb", 1 << 20)))
                .post("/api/v1/sessions").then().statusCode(422).body("detail", containsString("limits.memoryMb"));
        as(owner).body(Map.of("template", "python", "ports", List.of(70000)))
                .post("/api/v1/sessions").then().statusCode(422);
        as(owner).body("{not json").post("/api/v1/sessions").then().statusCode(400)
                .contentType("application/problem+json");
        as(owner).get("/api/v1/sessions").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void anOwnerMayRunOnlySoManySessionsAtOnce() {
        String owner = "greedy-" + System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ids.add(Api.createSession(owner, Map.of("template", "python")));
        }
        as(owner).body(Map.of("template", "python")).post("/api/v1/sessions").then().statusCode(429)
                .contentType("application/problem+json").body("detail", containsString("at most 2"));
        as(owner).post("/api/v1/sessions/" + ids.get(0) + "/stop").then().statusCode(200);
        ids.add(Api.createSession(owner, Map.of("template", "python")));
        as(owner).post("/api/v1/sessions/" + ids.get(0) + "/start").then().statusCode(429);
        ids.forEach(id -> as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204));
    }

    @Test
    void manyCreationsAtOnceStillStopAtTheOwnersMaximum() throws Exception {
        String owner = "eager-" + System.nanoTime();
        var pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(pool.submit(() -> as(owner).body(Map.of("template", "python"))
                        .post("/api/v1/sessions").then().extract().statusCode()));
            }
            List<Integer> codes = new ArrayList<>();
            for (var answer : answers) {
                codes.add(answer.get(120, TimeUnit.SECONDS));
            }
            assertThat(codes).as("six creations at once with a maximum of 2").containsOnly(201, 429);
            assertThat(codes.stream().filter(c -> c == 201).count()).isEqualTo(2);
        } finally {
            pool.shutdown();
            List<String> ids = as(owner).get("/api/v1/sessions").then().statusCode(200).extract().path("id");
            assertThat(ids).hasSize(2);
            ids.forEach(id -> as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204));
        }
    }

    @Test
    void aSessionContainerAndEveryExecInItRunAsTheSandboxUserWithNothingOfTheHost() {
        String owner = "hardened-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python", "ports", List.of(3000)));
        var inspect = docker.inspectContainerCmd(containerOf(owner, id)).exec();
        assertThat(inspect.getConfig().getUser()).isEqualTo("1000:1000");
        var host = inspect.getHostConfig();
        assertThat(host.getNetworkMode()).isEqualTo("none");
        assertThat(host.getReadonlyRootfs()).isTrue();
        assertThat(host.getPrivileged()).isFalse();
        assertThat(List.of(host.getCapDrop())).containsExactly(com.github.dockerjava.api.model.Capability.ALL);
        assertThat(host.getSecurityOpts()).contains("no-new-privileges");
        assertThat(host.getBinds()).noneMatch(b -> b.getPath().contains("docker.sock"));
        assertThat(host.getLogConfig().getType().getType()).isEqualTo("none");
        assertThat(Api.exec(owner, id, "id -u; id -g; grep CapEff /proc/self/status").get("stdout"))
                .isEqualTo("1000\n1000\nCapEff:\t0000000000000000\n");
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    static String containerOf(String owner, String id) {
        return as(owner).get("/internal/sessions/" + id).then().statusCode(200).extract().path("containerId");
    }

    /** The types of the first {@code n} events of one session on the real broker. */
    static List<String> sessionEvents(String sessionId, int n) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "session-test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> types = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(props)) {
            consumer.subscribe(List.of(Topics.SESSION_EVENTS));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (types.size() < n && System.nanoTime() < end) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    if (sessionId.equals(r.key())) {
                        assertThat(r.value()).contains("\"sessionId\":\"" + sessionId + "\"");
                        types.add(r.value().replaceAll(".*\"type\":\"(\\w+)\".*", "$1"));
                    }
                }
            }
        }
        return types;
    }
}
