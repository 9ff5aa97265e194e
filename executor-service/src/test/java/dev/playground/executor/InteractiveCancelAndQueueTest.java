package dev.playground.executor;

import static dev.playground.executor.ExecutionTestSupport.newPrincipal;
import static dev.playground.executor.ExecutionTestSupport.runAsync;
import static dev.playground.executor.ExecutionTestSupport.runSync;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.Principal;
import dev.playground.contract.Topics;
import dev.playground.contract.execution.ExecutionEvent;
import dev.playground.contract.execution.ExecutionEventType;
import dev.playground.contract.execution.StdinMessage;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
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

@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
class InteractiveCancelAndQueueTest {

    @Test
    void anInteractiveRunAsksForInputAndGetsItFromKafkaUntilEof() throws Exception {
        String user = newPrincipal();
        String id = runAsync(user, Map.of("language", "python", "interactive", true,
                "code", "name = input('name? ')\nprint('hello', name)\nimport sys\nrest = sys.stdin.read()\nprint('rest', repr(rest))"))
                .then().statusCode(202).extract().path("id");
        List<ExecutionEvent> events = converse(id, List.of(
                List.of(new StdinMessage(id, 1, "Ada\n", null)),
                List.of(new StdinMessage(id, 2, "more", null), new StdinMessage(id, 3, null, true))));
        List<ExecutionEventType> types = events.stream().map(ExecutionEvent::type).toList();
        // Once per prompt (one more may come while the program waits between "more" and the end of input).
        assertTrue(types.stream().filter(ExecutionEventType.INPUT_REQUIRED::equals).count() >= 2, types.toString());
        ExecutionEvent last = events.get(events.size() - 1);
        assertEquals(ExecutionEventType.COMPLETED, last.type(), types.toString());
        assertEquals("OK", last.result().verdict().name(), String.valueOf(last.result()));
        assertEquals("name? hello Ada\nrest 'more'\n", last.result().run().stdout());
    }

    @Test
    void aNodeProgramReadingStdinThroughItsEventLoopAsksForInputAndOneThatDoesNotNeverDoes() throws Exception {
        String user = newPrincipal();
        String reader = runAsync(user, Map.of("language", "javascript", "interactive", true, "code", """
                const rl = require('readline').createInterface({ input: process.stdin });
                process.stdout.write('name? ');
                rl.once('line', name => { console.log('hello ' + name); rl.close(); });
                """)).then().statusCode(202).extract().path("id");
        List<ExecutionEvent> events = converse(reader, List.of(
                List.of(new StdinMessage(reader, 1, "Ada\n", null), new StdinMessage(reader, 2, null, true))));
        List<ExecutionEventType> types = events.stream().map(ExecutionEvent::type).toList();
        assertTrue(types.contains(ExecutionEventType.INPUT_REQUIRED), types.toString());
        assertTrue(types.indexOf(ExecutionEventType.INPUT_REQUIRED) < types.indexOf(ExecutionEventType.EXITED),
                types.toString());
        ExecutionEvent last = events.get(events.size() - 1);
        assertEquals("OK", last.result().verdict().name(), String.valueOf(last.result()));
        assertEquals("name? hello Ada\n", last.result().run().stdout());

        // Busy with a timer, stdin untouched: idle in the same event loop, but not waiting for the user.
        String sleeper = runAsync(user, Map.of("language", "javascript", "interactive", true,
                "code", "setTimeout(() => console.log('done'), 1500);"))
                .then().statusCode(202).extract().path("id");
        List<ExecutionEventType> quiet = converse(sleeper, List.of()).stream().map(ExecutionEvent::type).toList();
        assertTrue(quiet.contains(ExecutionEventType.COMPLETED), quiet.toString());
        assertTrue(!quiet.contains(ExecutionEventType.INPUT_REQUIRED), quiet.toString());
    }

    /**
     * Follows an execution's events until COMPLETED, answering the n-th INPUT_REQUIRED with the n-th list of
     * stdin messages published on the real topic.
     */
    private static List<ExecutionEvent> converse(String id, List<List<StdinMessage>> answers) throws Exception {
        Properties cp = new Properties();
        cp.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        cp.put("group.id", "executor-test-" + UUID.randomUUID());
        cp.put("auto.offset.reset", "earliest");
        Properties pp = new Properties();
        pp.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        List<ExecutionEvent> events = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer());
                var producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            consumer.subscribe(List.of(Topics.EXECUTION_EVENTS));
            int prompts = 0;
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < end && (events.isEmpty() || events.get(events.size() - 1).type() != ExecutionEventType.COMPLETED)) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (!id.equals(r.key())) {
                        continue;
                    }
                    ExecutionEvent e = ExecutionTestSupport.JSON.readValue(r.value(), ExecutionEvent.class);
                    events.add(e);
                    if (e.type() == ExecutionEventType.INPUT_REQUIRED && prompts < answers.size()) {
                        for (StdinMessage m : answers.get(prompts++)) {
                            producer.send(new ProducerRecord<>(Topics.EXECUTION_STDIN, id,
                                    ExecutionTestSupport.JSON.writeValueAsString(m))).get();
                        }
                    }
                }
            }
        }
        assertTrue(!events.isEmpty() && events.get(events.size() - 1).type() == ExecutionEventType.COMPLETED, "execution " + id + " never completed");
        return events;
    }

    // How fast a cancel lands (well under a second here) is measured by executor-service/bench/bench.sh, not here:
    // this test only insists that a program which would sleep far past its limits ends as CANCELLED right away.
    @Test
    void cancelStopsARunningProgramLongBeforeItsLimits() {
        String user = newPrincipal();
        String id = ExecutionTestSupport.runningSleeper(user);
        ExecutionTestSupport.as("not-the-owner").post("/api/v1/executions/" + id + "/cancel").then().statusCode(404);
        ExecutionTestSupport.as(user).post("/api/v1/executions/" + id + "/cancel").then().statusCode(202);
        // Far below the 30 s wall limit, so only the cancel can have ended it.
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> "COMPLETED".equals(
                ExecutionTestSupport.as(user).get("/api/v1/executions/" + id).path("status")));
        ExecutionTestSupport.as(user).get("/api/v1/executions/" + id).then()
                .body("verdict", equalTo("CANCELLED")).body("run.stdout", equalTo("started\n"));
        ExecutionTestSupport.as(user).post("/api/v1/executions/" + id + "/cancel").then().statusCode(409)
                .contentType("application/problem+json");
    }

    /** Submits sleepers as {@code user} until one is refused; returns the ids admitted and the refusal. */
    private static io.restassured.response.Response fill(String user, int most, List<String> ids) {
        for (int i = 0; i < most; i++) {
            var r = runAsync(user, Map.of("language", "python", "code", "import time\ntime.sleep(60)",
                    "limits", Map.of("wallTimeMs", 60000)));
            if (r.statusCode() != 202) {
                return r;
            }
            ids.add(r.path("id"));
        }
        return null;
    }

    private static void cancelAll(Map<String, List<String>> byUser) {
        byUser.forEach((user, ids) -> ids.forEach(id -> ExecutionTestSupport.as(user).post("/api/v1/executions/" + id
                + "/cancel")));
        byUser.forEach((user, ids) -> ids.forEach(id -> {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(
                    ExecutionTestSupport.as(user).get("/api/v1/executions/" + id).path("status")));
            ExecutionTestSupport.as(user).get("/api/v1/executions/" + id).then().body("verdict", equalTo("CANCELLED"));
        }));
    }

    @Test
    void onePrincipalFloodingIsRefusedWith429WhileAnotherIsServed() {
        // Test config: 4 sandboxes, 12 queue places; a principal may have 2 running and 4 waiting.
        String flooder = newPrincipal();
        List<String> ids = new ArrayList<>();
        try {
            var refused = fill(flooder, 40, ids);
            assertTrue(refused != null, "40 slow runs are not all admitted");
            assertTrue(ids.size() <= 6, "never more admitted for one principal than its share: " + ids.size());
            refused.then().statusCode(429).header("Retry-After", equalTo("2")).contentType("application/problem+json")
                    .body("type", equalTo("https://playground.dev/problems/share-exceeded"))
                    .body("detail", containsString("runs waiting"));
            // Another principal's hello world is served meanwhile, not queued behind the flood.
            runSync(newPrincipal(), Map.of("language", "python", "code", "print('served')"))
                    .then().statusCode(200).body("verdict", equalTo("OK")).body("run.stdout", equalTo("served\n"));
        } finally {
            cancelAll(Map.of(flooder, ids));
        }
    }

    @Test
    void pastTheQueueBoundOfEveryoneTogetherRequestsGet503WithRetryAfter() {
        Map<String, List<String>> byUser = new java.util.LinkedHashMap<>();
        try {
            io.restassured.response.Response refused = null;
            for (int u = 0; u < 8 && refused == null; u++) {
                List<String> ids = new ArrayList<>();
                String user = newPrincipal();
                byUser.put(user, ids);
                var r = fill(user, 4, ids);
                if (r != null && r.statusCode() == 503) {
                    refused = r;
                }
            }
            assertTrue(refused != null, "the queue of everyone together fills up");
            assertTrue(byUser.values().stream().mapToInt(List::size).sum() <= 16, "never more admitted than parallel + queue");
            refused.then().statusCode(503).header("Retry-After", equalTo("2")).contentType("application/problem+json")
                    .body("type", equalTo("https://playground.dev/problems/busy"))
                    .body("detail", containsString("busy"));
        } finally {
            cancelAll(byUser);
        }
    }
}
