package dev.playground.executor;

import static dev.playground.executor.ExecutionTestSupport.newPrincipal;
import static dev.playground.executor.ExecutionTestSupport.runAsync;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.Topics;
import dev.playground.contract.execution.ExecutionControl;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Cancel reaches whichever executor instance runs the execution: an instance that does not run it sends the cancel on
 * {@code playground.execution.control}; the one that does acts on it, and only for the execution's owner.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
class ControlTopicCancelTest {

    @Test
    void aCancelFromTheControlTopicStopsTheRunOnlyWhenItComesFromItsOwner() throws Exception {
        String user = newPrincipal();
        String id = ExecutionTestSupport.runningSleeper(user);

        // another principal who guessed the id, through another instance: nothing happens
        send(new ExecutionControl(id, "someone-else", ExecutionControl.Type.CANCEL, Instant.now()));
        Thread.sleep(1500); // what must NOT happen cannot be awaited: the run is still going a while after the message
        assertEquals("RUNNING", ExecutionTestSupport.as(user).get("/api/v1/executions/" + id).path("status"));

        // sent again until it lands: an instance's control consumer joins its group a moment after the instance starts
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1000)).until(() -> {
            send(new ExecutionControl(id, user, ExecutionControl.Type.CANCEL, Instant.now()));
            return "COMPLETED".equals(ExecutionTestSupport.as(user).get("/api/v1/executions/" + id).path("status"));
        });
        ExecutionTestSupport.as(user).get("/api/v1/executions/" + id).then().body("verdict", equalTo("CANCELLED"));
    }

    @Test
    void aCancelForARunThatIsNotHereGoesOnTheControlTopic() throws Exception {
        String user = newPrincipal();
        String elsewhere = UUID.randomUUID().toString();
        try (var consumer = consumer()) {
            ExecutionTestSupport.as(user).post("/api/v1/executions/" + elsewhere + "/cancel").then().statusCode(202)
                    .body("id", equalTo(elsewhere)).body("status", equalTo("CANCELLING"));
            ExecutionControl sent = null;
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (sent == null && System.nanoTime() < end) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (elsewhere.equals(r.key())) {
                        sent = ExecutionTestSupport.JSON.readValue(r.value(), ExecutionControl.class);
                    }
                }
            }
            assertTrue(sent != null, "no control message for " + elsewhere);
            assertEquals(user, sent.owner());
            assertEquals(ExecutionControl.Type.CANCEL, sent.type());
        }
    }

    private static void send(ExecutionControl control) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        p.put("acks", "all");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.EXECUTION_CONTROL, control.executionId(),
                    ExecutionTestSupport.JSON.writeValueAsString(control))).get();
        }
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        p.put("group.id", "control-test-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.EXECUTION_CONTROL));
        return consumer;
    }
}
