package dev.playground.terminal;

import static io.restassured.RestAssured.given;

import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.contract.testing.ServiceHealthTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** terminal-service is ready once Docker and Kafka answer; its metrics show the sockets and the replay buffer. */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStandIn.class)
class HealthTest extends ServiceHealthTest {

    HealthTest() {
        super("docker", "Kafka connection health check");
    }

    @Test
    void metricsShowOpenSocketsAndTheReplayBuffer() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("playground_terminal_sockets_open"))
                .body(org.hamcrest.Matchers.containsString("playground_terminal_replay_executions"))
                .body(org.hamcrest.Matchers.containsString("playground_terminal_shells_detached"));
    }
}
