package dev.playground.session;

import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.contract.testing.ServiceHealthTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** session-service is ready once Docker, Kafka and its PostgreSQL history answer. */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
class HealthTest extends ServiceHealthTest {

    HealthTest() {
        super("docker", "Kafka connection health check", "Reactive PostgreSQL connections health check");
    }
}
