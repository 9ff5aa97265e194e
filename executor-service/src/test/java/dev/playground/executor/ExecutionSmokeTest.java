package dev.playground.executor;

import static org.hamcrest.Matchers.equalTo;

import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
class ExecutionSmokeTest {
    @Test
    void python() {
        var r = ExecutionTestSupport.runSync("u1", Map.of("language", "python", "code", "print('hi')"));
        System.out.println(r.asString());
        r.then().statusCode(200).body("verdict", equalTo("OK"));
    }
}
