package dev.playground.contract.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

/**
 * What an operator's probes see of a service under test, written once for every service: ready with its own real
 * checks, alive, and every messaging channel on a topic of the contract. A service's {@code HealthTest} extends it
 * (with {@code @QuarkusTest} and the resources it needs) and names the readiness checks that service must report.
 */
public abstract class ServiceHealthTest {

    private final String[] readinessChecks;

    /** @param readinessChecks names that {@code /q/health/ready} must list, e.g. the service's Docker and Kafka checks */
    protected ServiceHealthTest(String... readinessChecks) {
        this.readinessChecks = readinessChecks;
    }

    /** Ready (200, UP), with at least the service's named checks, each answering. */
    @Test
    void readyWhenItsDependenciesAnswer() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(readinessChecks));
    }

    /** Alive (200, UP). */
    @Test
    void alive() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void everyMessagingChannelUsesATopicOfTheContract() {
        TopicNames.assertContractTopics();
    }
}
