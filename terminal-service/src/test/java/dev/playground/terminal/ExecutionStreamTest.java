package dev.playground.terminal;

import static dev.playground.contract.execution.ExecutionEventType.EXITED;
import static dev.playground.contract.execution.ExecutionEventType.INPUT_REQUIRED;
import static dev.playground.contract.execution.ExecutionEventType.QUEUED;
import static dev.playground.contract.execution.ExecutionEventType.STARTED;
import static dev.playground.contract.execution.ExecutionEventType.STDOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playground.contract.Topics;
import dev.playground.contract.execution.StdinMessage;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStandIn.class)
class ExecutionStreamTest extends SocketTest {

    private static final String ALICE = SessionServiceStandIn.OWNER;
    private static final Duration WAIT = Duration.ofSeconds(15);

    @ConfigProperty(name = EarlyExecution.ID_KEY)
    String earlyExecution;

    @ConfigProperty(name = EarlyExecution.LONG_DONE_KEY)
    String longDoneExecution;

    @ConfigProperty(name = EarlyExecution.JUST_DONE_KEY)
    String justDoneExecution;

    private static volatile boolean consumerReady;

    /**
     * Right after startup the service's consumer is still joining the topic (the broker delays a new group's
     * first assignment by seconds); wait until it has read the execution published before startup.
     */
    @BeforeEach
    void consumerHasJoined() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!consumerReady && System.nanoTime() < deadline) {
            try (WsClient probe = stream(earlyExecution, ALICE)) {
                consumerReady = probe.nextText(Duration.ofSeconds(5)) != null;
            }
        }
        assertTrue(consumerReady, "the execution-event consumer never caught up");
    }

    private WsClient stream(String id, String principal) throws Exception {
        return WsClient.connect(vertx, base, "/api/v1/executions/" + id + "/stream", principal);
    }

    private static JsonNode next(WsClient client) throws Exception {
        String text = client.nextText(WAIT);
        if (text == null) {
            throw new AssertionError("no event within " + WAIT
                    + (client.closed.isDone() ? "; the socket was closed: " + client.closed.getNow(null) : ""));
        }
        return TestEvents.JSON.readTree(text);
    }

    @Test
    void aReconnectWithAfterGetsOnlyTheEventsAfterThatSeq() throws Exception {
        String id = "after-" + UUID.randomUUID();
        try (TestEvents events = new TestEvents()) {
            events.publish(TestEvents.event(id, ALICE, 1, QUEUED, null),
                    TestEvents.event(id, ALICE, 2, STARTED, null),
                    TestEvents.event(id, ALICE, 3, STDOUT, "one\n"),
                    TestEvents.event(id, ALICE, 4, STDOUT, "two\n"));
            try (WsClient again = connect("/api/v1/executions/" + id + "/stream?after=2")) {
                assertEquals(3, next(again).path("seq").asLong());
                assertEquals(4, next(again).path("seq").asLong());
                events.publish(TestEvents.event(id, ALICE, 5, EXITED, null), TestEvents.completed(id, ALICE, 6, null));
                assertEquals(5, next(again).path("seq").asLong());
                assertEquals(6, next(again).path("seq").asLong());
                assertEquals(1000, again.awaitClose(WAIT).code());
            }
            // A client that has every event already is told the execution completed.
            try (WsClient done = connect("/api/v1/executions/" + id + "/stream?after=6")) {
                WsClient.Closed closed = done.awaitClose(WAIT);
                assertEquals(1000, closed.code());
                assertEquals("execution completed", closed.reason());
                assertNull(done.nextText(Duration.ofMillis(200)), "no event sent twice");
            }
        }
    }

    @Test
    void anAfterThatIsNotASeqIsRefusedWithAReason() throws Exception {
        for (String path : List.of("/api/v1/executions/" + earlyExecution + "/stream?after=abc",
                "/api/v1/executions/" + earlyExecution + "/stream?after=-1", "/api/v1/executions/stream?after=1.5")) {
            try (WsClient bad = connect(path)) {
                WsClient.Closed closed = bad.awaitClose(WAIT);
                assertEquals(1008, closed.code(), path);
                assertTrue(closed.reason().startsWith("after must be the last seq received, a whole number from 0"),
                        closed.reason());
                assertNull(bad.nextText(Duration.ofMillis(200)), "no event");
            }
        }
    }

    private WsClient connect(String path) throws Exception {
        return WsClient.connect(vertx, base, path, ALICE);
    }

    @Test
    void aLateJoinerGetsEveryEventFromTheFirstThenLiveOnesAndTheSocketClosesAfterCompleted() throws Exception {
        String id = "late-" + UUID.randomUUID();
        try (TestEvents events = new TestEvents()) {
            events.publish(TestEvents.event(id, ALICE, 1, QUEUED, null),
                    TestEvents.event(id, ALICE, 2, STARTED, null),
                    TestEvents.event(id, ALICE, 3, STDOUT, "one\n"),
                    TestEvents.event(id, ALICE, 4, STDOUT, "two\n"));
            Thread.sleep(1000); // the run is well under way before anyone watches
            try (WsClient late = stream(id, ALICE)) {
                for (int seq = 1; seq <= 4; seq++) {
                    assertEquals(seq, next(late).path("seq").asLong());
                }
                events.publish(TestEvents.event(id, ALICE, 5, EXITED, null), TestEvents.completed(id, ALICE, 6, null));
                JsonNode exited = next(late);
                assertEquals("EXITED", exited.path("type").asText());
                assertEquals(0, exited.path("exitCode").asInt());
                JsonNode completed = next(late);
                assertEquals("COMPLETED", completed.path("type").asText());
                assertEquals(6, completed.path("seq").asLong());
                WsClient.Closed closed = late.awaitClose(WAIT);
                assertEquals(1000, closed.code());
                assertEquals("execution completed", closed.reason());
            }
            // Reconnecting after the end replays the whole run again.
            try (WsClient again = stream(id, ALICE)) {
                List<String> types = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    types.add(next(again).path("type").asText());
                }
                assertEquals(List.of("QUEUED", "STARTED", "STDOUT", "STDOUT", "EXITED", "COMPLETED"), types);
                assertEquals(1000, again.awaitClose(WAIT).code());
            }
        }
    }

    @Test
    void anExecutionThatBeganBeforeTheServiceStartedReplaysFromItsFirstEvent() throws Exception {
        try (WsClient client = stream(earlyExecution, ALICE)) {
            assertEquals("QUEUED", next(client).path("type").asText());
            assertEquals("STARTED", next(client).path("type").asText());
            assertEquals("before the service started\n", next(client).path("data").asText());
        }
    }

    /**
     * At startup the service reads an hour back, but keeps only what it would have kept had it been running: a run
     * that completed longer ago than retain-completed (15 minutes) is not held in memory, one that completed a minute
     * ago replays whole.
     */
    @Test
    void afterARestartOnlyRunsCompletedWithinTheRetentionTimeReplay() throws Exception {
        try (WsClient recent = stream(justDoneExecution, ALICE)) {
            List<String> types = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                types.add(next(recent).path("type").asText());
            }
            assertEquals(List.of("QUEUED", "STARTED", "STDOUT", "EXITED", "COMPLETED"), types);
            assertEquals(1000, recent.awaitClose(WAIT).code());
        }
        try (WsClient old = stream(longDoneExecution, ALICE)) {
            WsClient.Closed closed = old.awaitClose(WAIT);
            assertEquals(1008, closed.code());
            assertEquals("execution " + longDoneExecution + " not found", closed.reason());
        }
    }

    @Test
    void aProgramThatAsksForANameGreetsWhatTheUserTypes() throws Exception {
        String id = "interactive-" + UUID.randomUUID();
        try (TestEvents events = new TestEvents(); var stdin = stdinConsumer()) {
            events.publish(TestEvents.event(id, ALICE, 1, QUEUED, null), TestEvents.event(id, ALICE, 2, STARTED, null),
                    TestEvents.event(id, ALICE, 3, STDOUT, "What is your name? "),
                    TestEvents.event(id, ALICE, 4, INPUT_REQUIRED, null));
            try (WsClient client = stream(id, ALICE)) {
                assertEquals("QUEUED", next(client).path("type").asText());
                assertEquals("STARTED", next(client).path("type").asText());
                assertEquals("What is your name? ", next(client).path("data").asText());
                assertEquals("INPUT_REQUIRED", next(client).path("type").asText());

                client.send("{\"type\":\"stdin\",\"data\":\"Ada\\n\"}");
                client.send("{\"type\":\"stdin-eof\"}");
                List<StdinMessage> typed = readStdin(stdin, id, 2);
                assertEquals("Ada\n", typed.get(0).data());
                assertFalse(typed.get(0).isEof());
                assertTrue(typed.get(1).isEof());
                assertTrue(typed.get(0).seq() < typed.get(1).seq(), "stdin seq increases");

                // What the executor does with it: the program greets and ends.
                events.publish(TestEvents.event(id, ALICE, 5, STDOUT, "Hello, Ada!\n"),
                        TestEvents.event(id, ALICE, 6, EXITED, null), TestEvents.completed(id, ALICE, 7, null));
                assertEquals("Hello, Ada!\n", next(client).path("data").asText());
                assertEquals("EXITED", next(client).path("type").asText());
                assertEquals("COMPLETED", next(client).path("type").asText());
                assertEquals(1000, client.awaitClose(WAIT).code());
            }
        }
    }

    @Test
    void anotherPrincipalsExecutionLooksLikeOneThatDoesNotExist() throws Exception {
        String id = "private-" + UUID.randomUUID();
        try (TestEvents events = new TestEvents(); var stdin = stdinConsumer()) {
            events.publish(TestEvents.event(id, ALICE, 1, QUEUED, null), TestEvents.event(id, ALICE, 2, STARTED, null),
                    TestEvents.event(id, ALICE, 3, STDOUT, "secret\n"));
            try (WsClient mallory = stream(id, "mallory")) {
                mallory.send("{\"type\":\"stdin\",\"data\":\"rm -rf /\\n\"}");
                WsClient.Closed closed = mallory.awaitClose(WAIT);
                assertEquals(1008, closed.code());
                assertEquals("execution " + id + " not found", closed.reason());
                assertNull(mallory.nextText(Duration.ofMillis(200)), "no event reached another principal");
            }
            assertEquals(0, stdin.poll(Duration.ofSeconds(2)).count(), "nothing typed by another principal was published");
            String unknown = "nonexistent-" + UUID.randomUUID();
            try (WsClient nobody = stream(unknown, ALICE)) {
                WsClient.Closed closed = nobody.awaitClose(WAIT);
                assertEquals(1008, closed.code());
                assertEquals("execution " + unknown + " not found", closed.reason());
            }
            // Without the gateway's signed principal there is no upgrade at all: only the gateway reaches this service.
            var refused = assertThrows(java.util.concurrent.ExecutionException.class, () -> stream(id, null));
            assertTrue(refused.getCause().getMessage().contains("401"), refused.getCause().getMessage());
        }
    }

    @Test
    void aRunMessageStartsAnExecutionAndStreamsIt() throws Exception {
        try (WsClient client = WsClient.connect(vertx, base, "/api/v1/executions/stream", ALICE);
                TestEvents events = new TestEvents()) {
            client.send("{\"type\":\"run\",\"language\":\"python\",\"code\":\"print(1)\"}");
            String id = awaitRunId();
            JsonNode request = TestEvents.JSON.readTree(TestEvents.JSON.readTree(get("/stand-in/last-run"))
                    .path("request").asText());
            assertEquals("python", request.path("language").asText());
            assertTrue(request.path("type").isMissingNode(), "the run envelope is not passed on");
            events.publish(TestEvents.event(id, ALICE, 1, QUEUED, null), TestEvents.event(id, ALICE, 2, STDOUT, "1\n"),
                    TestEvents.completed(id, ALICE, 3, null));
            assertEquals(id, next(client).path("executionId").asText());
            assertEquals("1\n", next(client).path("data").asText());
            assertEquals("COMPLETED", next(client).path("type").asText());
            assertEquals(1000, client.awaitClose(WAIT).code());
        }
        try (WsClient client = WsClient.connect(vertx, base, "/api/v1/executions/stream", ALICE)) {
            client.send("{\"type\":\"run\",\"code\":\"print(1)\"}");
            WsClient.Closed closed = client.awaitClose(WAIT);
            assertEquals(1008, closed.code());
            assertEquals("language is required", closed.reason(), "the executor's problem detail reaches the user");
        }
    }

    @Test
    void aClientThatStopsReadingALoudExecutionIsCutOffWithoutTheServerCopyingItsOutput() throws Exception {
        String id = "loud-" + UUID.randomUUID();
        String chunk = "x".repeat(40_000) + "\n";
        List<dev.playground.contract.execution.ExecutionEvent> loud = new ArrayList<>();
        loud.add(TestEvents.event(id, ALICE, 1, QUEUED, null));
        for (int seq = 2; seq <= 1000; seq++) {
            loud.add(TestEvents.event(id, ALICE, seq, STDOUT, chunk));
        }
        try (TestEvents events = new TestEvents()) {
            events.publishAll(loud); // 40 MB of output
            try (WsClient stalled = stream(id, ALICE)) {
                stalled.stopReading();
                Thread.sleep(5000);
                stalled.resumeReading();
                int received = 0;
                while (stalled.nextText(Duration.ofSeconds(2)) != null) {
                    received++;
                }
                WsClient.Closed closed = stalled.awaitClose(WAIT);
                assertEquals(1008, closed.code());
                assertTrue(closed.reason().startsWith("client too slow"), closed.reason());
                assertTrue(received < 500, "only what socket buffers and the 1 MiB budget held: " + received + " events");
            }
            // A client that reads gets all of it.
            try (WsClient reader = stream(id, ALICE)) {
                for (int seq = 1; seq <= 1000; seq++) {
                    assertEquals(seq, next(reader).path("seq").asLong(), "event " + seq + " of 1000");
                }
            }
        }
    }

    private String awaitRunId() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String id = TestEvents.JSON.readTree(get("/stand-in/last-run")).path("id").asText();
            if (!id.isEmpty()) {
                return id;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run never reached the executor");
    }

    private static KafkaConsumer<String, String> stdinConsumer() {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "terminal-test-" + UUID.randomUUID()),
                new StringDeserializer(), new StringDeserializer());
        // On a fresh broker the topic does not exist yet: asking for it creates it (auto-create), and a later
        // ask sees its partitions.
        List<TopicPartition> partitions = List.of();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (partitions.isEmpty() && System.nanoTime() < deadline) {
            partitions = consumer.partitionsFor(Topics.EXECUTION_STDIN, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        assertFalse(partitions.isEmpty(), Topics.EXECUTION_STDIN + " never appeared on the broker");
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the position now, before anything is typed
        return consumer;
    }

    private static List<StdinMessage> readStdin(KafkaConsumer<String, String> consumer, String id, int count)
            throws Exception {
        List<StdinMessage> seen = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (seen.size() < count && System.nanoTime() < deadline) {
            for (var record : consumer.poll(Duration.ofMillis(200))) {
                if (id.equals(record.key())) {
                    seen.add(TestEvents.JSON.readValue(record.value(), StdinMessage.class));
                }
            }
        }
        assertEquals(count, seen.size(), "stdin messages on " + Topics.EXECUTION_STDIN);
        seen.forEach(m -> assertEquals(id, m.executionId()));
        return seen;
    }

    private String get(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(standIn + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
