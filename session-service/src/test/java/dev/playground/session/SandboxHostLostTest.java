package dev.playground.session;

import static dev.playground.session.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.playground.contract.testing.EngineRelay;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sandbox host that stops answering, and comes back. The service's one host, {@code ghost}, is the real Docker
 * engine behind a relay the test cuts (every connection with it) and restores: cut, the engine is unreachable to the
 * service as a host that died, while its containers and volumes stay.
 */
@QuarkusTest
@TestProfile(SandboxHostLostTest.GhostHost.class)
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SandboxHostLostTest {


    /** One host, named ghost, behind the relay; hosts are pinged and looked at every half second. */
    public static class GhostHost implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("playground.docker.hosts", "ghost=" + EngineRelay.address("session-ghost"),
                    "playground.docker.ping-interval", "500ms",
                    "playground.docker.ping-timeout", "1s",
                    "playground.session.host-lost-after", "1s",
                    "playground.session.host-check-interval", "500ms");
        }
    }

    @Test
    void sessionsOfAHostThatStopsAnsweringAreLostWithTheirFilesKeptAndComeBackWithIt() {
        String owner = "ghost-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python"));
        as(owner).get("/api/v1/sessions/" + id).then().statusCode(200).body("host", equalTo("ghost"));
        Api.sync(owner, id, List.of(Map.of("path", "keep.txt", "content", "still here")));

        EngineRelay.cut("session-ghost");
        try {
            Api.await("the session is LOST", Duration.ofSeconds(20), () -> "LOST".equals(Api.state(owner, id)));
            // what needs the host says so, and what does not still works
            as(owner).get("/api/v1/sessions/" + id + "/files/keep.txt").then().statusCode(503)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://playground.dev/problems/host-unavailable"))
                    .body("detail", containsString("ghost"));
            as(owner).post("/api/v1/sessions/" + id + "/start").then().statusCode(503)
                    .body("type", equalTo("https://playground.dev/problems/host-unavailable"));
            as(owner).body(Map.of("template", "python")).post("/api/v1/sessions").then().statusCode(503)
                    .body("detail", containsString("No sandbox host answers"));
            assertThat(as(owner).get("/api/v1/sessions").then().statusCode(200).extract().<List<String>>path("id"))
                    .contains(id);
            io.restassured.RestAssured.get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'docker' }.data.ghost", equalTo("DOWN"));
        } finally {
            EngineRelay.restore("session-ghost");
        }

        // the host is back: its container never stopped, so the session is RUNNING again, files and all
        Api.await("the session is RUNNING again", Duration.ofSeconds(20), () -> "RUNNING".equals(Api.state(owner, id)));
        assertThat(as(owner).get("/api/v1/sessions/" + id + "/files/keep.txt").then().statusCode(200).extract().asString())
                .isEqualTo("still here");
        assertThat(Api.exec(owner, id, "cat keep.txt").get("stdout")).isEqualTo("still here");
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }
}
