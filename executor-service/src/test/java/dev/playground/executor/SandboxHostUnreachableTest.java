package dev.playground.executor;

import static dev.playground.executor.ExecutionTestSupport.newPrincipal;
import static dev.playground.executor.ExecutionTestSupport.runSync;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.playground.contract.testing.EngineRelay;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Runs go only to sandbox hosts that answer. The one host, {@code ghost}, is the real engine behind a relay the test
 * cuts and restores: cut, it is as unreachable as a host that died.
 */
@QuarkusTest
@TestProfile(SandboxHostUnreachableTest.GhostHost.class)
@QuarkusTestResource(KafkaTestBroker.class)
class SandboxHostUnreachableTest {


    public static class GhostHost implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("playground.docker.hosts", "ghost=" + EngineRelay.address("executor-ghost"),
                    "playground.docker.ping-interval", "300ms",
                    "playground.docker.ping-timeout", "1s");
        }
    }

    @Test
    void aRunWaitsForNoHostThatDoesNotAnswerAndGoesAsSoonAsOneDoes() {
        String user = newPrincipal();
        // A run before the cut leaves connections in the client's pool, which the cut makes stale.
        runSync(user, Map.of("language", "python", "code", "print('before')")).then().statusCode(200)
                .body("verdict", equalTo("OK"));
        EngineRelay.cut("executor-ghost");
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    RestAssured.get("/q/health/ready").statusCode() == 503);
            RestAssured.get("/q/health/ready").then()
                    .body("checks.find { it.name == 'docker' }.data.ghost", equalTo("DOWN"));
            runSync(user, Map.of("language", "python", "code", "print('hi')")).then().statusCode(503)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://playground.dev/problems/host-unavailable"))
                    .body("detail", containsString("No sandbox host answers"))
                    .header("Retry-After", "2");
        } finally {
            EngineRelay.restore("executor-ghost");
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> RestAssured.get("/q/health/ready").statusCode() == 200);
        // The first run after the host came back goes through, stale pooled connections or not.
        runSync(user, Map.of("language", "python", "code", "print('hi')")).then().statusCode(200)
                .body("verdict", equalTo("OK")).body("run.stdout", equalTo("hi\n"));
    }
}
