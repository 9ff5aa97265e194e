package dev.playground.session;


import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.contract.testing.ServiceHealth;
import dev.playground.contract.testing.TopicNames;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
class HealthTest {

    @Test
    void readyWhenItsDependenciesAnswer() {
        ServiceHealth.ready("docker", "Kafka connection health check", "Reactive PostgreSQL connections health check");
    }

    @Test
    void alive() {
        ServiceHealth.alive();
    }

    @Test
    void everyMessagingChannelUsesATopicOfTheContract() {
        TopicNames.assertContractTopics();
    }
}
