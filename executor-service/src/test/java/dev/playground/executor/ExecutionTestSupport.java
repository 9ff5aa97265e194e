package dev.playground.executor;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.dockerjava.api.DockerClient;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.Principal;
import dev.playground.contract.Topics;
import dev.playground.contract.execution.ExecutionEvent;
import dev.playground.contract.execution.ExecutionEventType;
import dev.playground.contract.testing.KafkaTestBroker;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the executor tests share: calling the API as a principal, reading the event topic, listing sandboxes. */
final class ExecutionTestSupport {

    // Lenient like the services' own mappers: readers of the topic must tolerate fields they do not know.
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ExecutionTestSupport() {
    }

    static Response runSync(String principal, Map<String, Object> body) {
        return given().header(Principal.HEADER, principal).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/executions?wait=true");
    }

    static Response runAsync(String principal, Map<String, Object> body) {
        return given().header(Principal.HEADER, principal).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/executions");
    }

    static String newPrincipal() {
        return "user-" + UUID.randomUUID();
    }

    /** Every event of one execution, read from the real topic, up to and including COMPLETED. */
    static List<ExecutionEvent> eventsOf(String executionId, Duration timeout) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        p.put("group.id", "executor-test-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        List<ExecutionEvent> events = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.EXECUTION_EVENTS));
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (executionId.equals(r.key())) {
                        ExecutionEvent e = JSON.readValue(r.value(), ExecutionEvent.class);
                        events.add(e);
                        if (e.type() == ExecutionEventType.COMPLETED) {
                            return events;
                        }
                    }
                }
            }
        }
        return events;
    }

    /** Names of this test instance's execution sandboxes still on the engine. */
    static List<String> leftoverSandboxes(DockerClient docker, String instance) {
        Map<String, String> filter = ContainerLabels.filter(instance, ContainerLabels.KIND_EXECUTION).stream()
                .collect(Collectors.toMap(f -> f.substring(0, f.indexOf('=')), f -> f.substring(f.indexOf('=') + 1)));
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec().stream()
                .map(c -> c.getNames()[0]).toList();
    }
}
