package dev.playground.executor;

import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.contract.testing.ServiceHealthTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The executor is ready once its sandbox engine (Docker) and Kafka answer. */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
class HealthTest extends ServiceHealthTest {

    HealthTest() {
        super("docker", "Kafka connection health check");
    }
}
