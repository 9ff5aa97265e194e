package dev.playground.executor;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.dockerjava.api.DockerClient;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.Principal;
import dev.playground.contract.testing.TestSecrets;
import dev.playground.contract.testing.TestSecrets;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the executor tests share: calling the API as a principal, reading the event topic, listing sandboxes. */
final class ExecutionTestSupport {

    // Lenient like the services' own mappers: readers of the topic must tolerate fields they do not know.
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ExecutionTestSupport() {
    }

    /** A request as the gateway sends it: the principal, signed. */
    static io.restassured.specification.RequestSpecification as(String principal) {
        return given().header(Principal.HEADER, principal).header(Principal.SIGNATURE_HEADER, TestSecrets.sign(principal));
    }

    static Response runSync(String principal, Map<String, Object> body) {
        return as(principal).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/executions?wait=true");
    }

    static Response runAsync(String principal, Map<String, Object> body) {
        return as(principal).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/executions");
    }

    /** Starts a run that prints "started" and would sleep far past its 30 s wall limit; returns once it RUNS. */
    static String runningSleeper(String principal) {
        String id = runAsync(principal, Map.of("language", "python",
                "code", "import time\nprint('started', flush=True)\ntime.sleep(1000)", "limits", Map.of("wallTimeMs", 30000)))
                .then().statusCode(202).extract().path("id");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(
                as(principal).get("/api/v1/executions/" + id).path("status")));
        return id;
    }

    static String newPrincipal() {
        return "user-" + UUID.randomUUID();
    }

    /** The first {@code n} artifacts published for one execution, read from the real topic. */
    static List<dev.playground.contract.execution.ExecutionArtifact> artifactsOf(String executionId, Duration timeout,
            int n) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        p.put("group.id", "test-artifacts-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        List<dev.playground.contract.execution.ExecutionArtifact> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.EXECUTION_ARTIFACTS));
            long end = System.nanoTime() + timeout.toNanos();
            while (found.size() < n && System.nanoTime() < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (executionId.equals(r.key())) {
                        found.add(JSON.readValue(r.value(), dev.playground.contract.execution.ExecutionArtifact.class));
                    }
                }
            }
        }
        return found;
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

    /** Publishes events as an executor would (keyed by execution id) and waits for the broker's acknowledgement. */
    static void publish(ExecutionEvent... events) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        p.put("acks", "all");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (ExecutionEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.EXECUTION_EVENTS, e.executionId(), JSON.writeValueAsString(e))).get();
            }
        }
    }

    /** Every event of one execution on the topic now (published since {@code since}), whether or not it completed. */
    static List<ExecutionEvent> eventsNowOf(String executionId, java.time.Instant since) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        p.put("enable.auto.commit", "false");
        List<ExecutionEvent> events = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.EXECUTION_EVENTS).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            var starts = consumer.offsetsForTimes(partitions.stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> since.toEpochMilli())));
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, starts.get(tp) == null ? end.get(tp) : starts.get(tp).offset());
            }
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (executionId.equals(r.key()) && r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        events.add(JSON.readValue(r.value(), ExecutionEvent.class));
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
        List<String> names = new java.util.ArrayList<>(docker.listContainersCmd().withShowAll(true).withLabelFilter(filter)
                .exec().stream().map(c -> c.getNames()[0]).toList());
        // Warm sandboxes that a run claimed carry kind pool and its execution's name.
        filter.put(ContainerLabels.KIND, ContainerLabels.KIND_POOL);
        docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec().stream()
                .map(c -> c.getNames()[0]).filter(n -> n.startsWith("/playground-exec-")).forEach(names::add);
        return names;
    }
}
