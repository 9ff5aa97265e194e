package dev.playground.session;

import static dev.playground.session.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.Topics;
import dev.playground.contract.execution.ExecutionArtifact;
import dev.playground.contract.execution.ExecutionEvent;
import dev.playground.contract.execution.ExecutionEventType;
import dev.playground.contract.execution.ExecutionResult;
import dev.playground.contract.execution.ExecutionStatus;
import dev.playground.contract.execution.StepResult;
import dev.playground.contract.execution.Verdict;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The history outlives the executor: it is filled from the execution events on the real broker. */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class ExecutionHistoryTest {

    @Inject
    ObjectMapper json;

    @Test
    void aCompletedExecutionIsAnsweredFromHistoryAndItsSessionCountsAsActive() throws Exception {
        String owner = "history-" + System.nanoTime();
        String session = Api.createSession(owner, Map.of("template", "python"));
        Instant before = Instant.parse(as(owner).get("/api/v1/sessions/" + session).then().extract()
                .path("lastActiveAt"));
        String id = "exec-" + UUID.randomUUID();
        String other = "exec-" + UUID.randomUUID();
        Instant t = Instant.now();
        var result = new ExecutionResult(id, session, "python", "3.13", ExecutionStatus.COMPLETED, Verdict.OK, null,
                null, new StepResult("42\n", "", 0, null, 35L, 20L, 9000L, false, false), null, t, t.plusMillis(40));
        try (var producer = producer()) {
            int partition = send(producer, new ExecutionEvent(id, session, owner, 1, ExecutionEventType.QUEUED, t,
                    null, null, null, null, null, null), null);
            send(producer, new ExecutionEvent(id, session, owner, 2, ExecutionEventType.STARTED, t, null, null, null,
                    null, null, null), partition);
            send(producer, new ExecutionEvent(id, session, owner, 3, ExecutionEventType.STDOUT, t, null, "42\n", null,
                    null, null, null), partition);
            send(producer, new ExecutionEvent(id, session, owner, 4, ExecutionEventType.COMPLETED, t, null, null,
                    null, null, null, result), partition);
            // a late duplicate of an earlier event does not move the execution back
            send(producer, new ExecutionEvent(id, session, owner, 2, ExecutionEventType.STARTED, t, null, null, null,
                    null, null, null), partition);
            // nor does a later event that names another owner for the same execution
            var forged = new ExecutionResult(id, session, "python", "3.13", ExecutionStatus.COMPLETED, Verdict.OK,
                    null, null, new StepResult("forged\n", "", 0, null, 1L, 1L, 1L, false, false), null, t, t);
            send(producer, new ExecutionEvent(id, session, "mallory", 5, ExecutionEventType.COMPLETED, t, null, null,
                    null, null, null, forged), partition);
            // The marker goes to the same partition: the history reads a partition in order, so once the marker
            // is recorded every event above has been read (the topic has several partitions; by its own key the
            // marker would land on any of them and could be read first).
            send(producer, new ExecutionEvent(other, null, owner, 1, ExecutionEventType.QUEUED, t.plusSeconds(1),
                    null, null, null, null, null, null), partition);
        }

        Api.await("the execution is in the history", Duration.ofSeconds(30), () ->
                as(owner).get("/api/v1/executions/" + other).statusCode() == 200);
        as(owner).get("/api/v1/executions/" + id).then().statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("verdict", equalTo("OK"))
                .body("sessionId", equalTo(session))
                .body("run.stdout", equalTo("42\n"))
                .body("run.exitCode", equalTo(0));
        as(owner).get("/api/v1/executions/" + other).then().statusCode(200).body("status", equalTo("QUEUED"));
        // a list holds summaries: the measurements without the output (a sidebar of 20 runs is not 40 MB)
        as(owner).queryParam("sessionId", session).get("/api/v1/executions").then().statusCode(200)
                .body("id", contains(id)).body("[0].run.exitCode", equalTo(0))
                .body("[0].run", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("stdout")));
        as(owner).queryParam("limit", 1).get("/api/v1/executions").then().statusCode(200)
                .body("id", contains(other));
        as(owner).queryParam("limit", 1000).get("/api/v1/executions").then().statusCode(422);

        Instant after = Instant.parse(as(owner).get("/api/v1/sessions/" + session).then().extract()
                .path("lastActiveAt"));
        assertThat(after).isAfter(before);

        // someone else's execution is not found, even though the history holds it
        as("mallory").get("/api/v1/executions/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        as(owner).delete("/api/v1/sessions/" + session).then().statusCode(204);
    }

    @Test
    void aRunsFilesAreKeptWithTheHistoryAndServedSoNoBrowserRunsThem() throws Exception {
        String owner = "artifacts-" + System.nanoTime();
        String id = "exec-" + UUID.randomUUID();
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
        try (var producer = producer()) {
            for (var a : new ExecutionArtifact[] {
                    new ExecutionArtifact(id, owner, "out/plot.png", "image/png", Base64.getEncoder().encodeToString(png)),
                    new ExecutionArtifact(id, owner, "out/page.html", "text/html",
                            Base64.getEncoder().encodeToString("<script>steal()</script>".getBytes(StandardCharsets.UTF_8)))}) {
                producer.send(new ProducerRecord<>(Topics.EXECUTION_ARTIFACTS, id, json.writeValueAsString(a))).get();
            }
        }
        Api.await("the artifacts are in the history", Duration.ofSeconds(30), () ->
                as(owner).get("/api/v1/executions/" + id + "/artifacts/out/page.html").statusCode() == 200);
        byte[] served = as(owner).get("/api/v1/executions/" + id + "/artifacts/out/plot.png").then().statusCode(200)
                .contentType("image/png").header("Content-Disposition", startsWith("inline"))
                .header("X-Content-Type-Options", "nosniff").extract().asByteArray();
        assertThat(served).isEqualTo(png);
        // A page a run wrote is a download with a sandboxing policy: it never runs as a page of the API's origin.
        as(owner).get("/api/v1/executions/" + id + "/artifacts/out/page.html").then().statusCode(200)
                .header("Content-Disposition", startsWith("attachment"))
                .header("Content-Security-Policy", containsString("sandbox"));
        as("mallory").get("/api/v1/executions/" + id + "/artifacts/out/plot.png").then().statusCode(404)
                .contentType("application/problem+json");
        as(owner).get("/api/v1/executions/" + id + "/artifacts/out/missing.png").then().statusCode(404);
    }

    @Test
    void anExecutionNotYetInHistoryIsAskedOfTheExecutor() {
        // (the executor stand-in answers only a request the session service signed for bob)
        as("bob").get("/api/v1/executions/inflight-123").then().statusCode(200)
                .body("id", equalTo("inflight-123"))
                .body("status", equalTo("RUNNING"))
                .body("language", equalTo("python"));
        as("bob").get("/api/v1/executions/never-heard-of").then().statusCode(404)
                .contentType("application/problem+json");
    }

    private KafkaProducer<String, String> producer() {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** Sends to the given partition (null: the key's) and answers the partition it went to. */
    private int send(KafkaProducer<String, String> producer, ExecutionEvent e, Integer partition) throws Exception {
        return producer.send(new ProducerRecord<>(Topics.EXECUTION_EVENTS, partition, e.executionId(),
                json.writeValueAsString(e))).get().partition();
    }
}
