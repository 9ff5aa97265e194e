package dev.playground.e2e;

import static dev.playground.e2e.Gateway.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scenario 2: an online compiler: every language, sync and async with the live stream, and a terminal. */
class S2OnlineCompilerTest {

    final Gateway alice = Gateway.as("e2e-alice");

    @Test
    void helloWorldRunsInEveryLanguageSyncAndAsync() throws Exception {
        JsonNode runtimes = Gateway.ok(alice.get("/api/v1/runtimes")).json();
        List<String> languages = new ArrayList<>();
        runtimes.forEach(r -> languages.add(r.get("language").asText()));
        assertTrue(languages.containsAll(List.of("python", "javascript", "java", "c", "cpp")), languages.toString());

        for (String language : languages) {
            String code = HelloWorlds.CODE.get(language);
            assertNotNull(code, "no hello world for runtime " + language + ": add one to HelloWorlds");
            JsonNode sync = alice.run(obj("language", language, "code", code));
            assertEquals("OK", sync.get("verdict").asText(), language + ": " + sync);
            assertEquals(HelloWorlds.EXPECTED, sync.get("run").get("stdout").asText().trim(), language);

            List<JsonNode> events = streamAsync(obj("language", language, "code", code));
            JsonNode last = events.get(events.size() - 1);
            assertEquals("COMPLETED", last.get("type").asText());
            assertEquals("OK", last.get("result").get("verdict").asText(), language + ": " + last);
            StringBuilder stdout = new StringBuilder();
            for (int i = 0; i < events.size(); i++) {
                assertEquals(i + 1, events.get(i).get("seq").asLong(), "seq is gap-free from 1");
                if (events.get(i).get("type").asText().equals("STDOUT")) {
                    stdout.append(events.get(i).get("data").asText());
                }
            }
            assertEquals(HelloWorlds.EXPECTED, stdout.toString().trim(), language + " streamed output");
            String id = last.get("executionId").asText();
            JsonNode stored = Await.value(Duration.ofSeconds(10), () -> alice.get("/api/v1/executions/" + id),
                    r -> r.status() == 200 && r.json().path("status").asText().equals("COMPLETED")).json();
            assertEquals("OK", stored.get("verdict").asText(), "history agrees with the stream");
        }
    }

    /** Starts an execution without waiting and reads its events from the stream until COMPLETED. */
    List<JsonNode> streamAsync(JsonNode request) throws Exception {
        Gateway.Reply accepted = alice.post("/api/v1/executions", request);
        assertEquals(202, accepted.status(), accepted.toString());
        assertEquals("QUEUED", accepted.json().get("status").asText());
        String id = accepted.json().get("id").asText();
        List<JsonNode> events = new ArrayList<>();
        try (Socket ws = alice.websocket("/api/v1/executions/" + id + "/stream")) {
            while (events.isEmpty() || !events.get(events.size() - 1).get("type").asText().equals("COMPLETED")) {
                Socket.Frame f = ws.next(Duration.ofSeconds(60));
                if (f.isClose()) {
                    throw new AssertionError("stream closed before COMPLETED: " + f + " after " + events);
                }
                if (f.text() != null) {
                    events.add(Gateway.JSON.readTree(f.text()));
                }
            }
        }
        return events;
    }

    @Test
    void aTerminalRunsCommandsResizesAndReportsTheExitCode() throws Exception {
        JsonNode session = alice.createSession(obj("template", "python"));
        String id = session.get("id").asText();
        try {
            Await.upTo(Duration.ofSeconds(60)).until(() ->
                    alice.get("/api/v1/sessions/" + id).json().get("state").asText().equals("RUNNING"));
            try (Socket term = alice.websocket("/api/v1/sessions/" + id + "/terminal?cols=80&rows=24")) {
                term.sendBytes("echo e2e-$((40+2))\n".getBytes(StandardCharsets.UTF_8));
                term.readUntil(t -> t.contains("e2e-42"), Duration.ofSeconds(20));
                term.sendText("{\"type\":\"resize\",\"cols\":101,\"rows\":31}");
                term.sendBytes("stty size\n".getBytes(StandardCharsets.UTF_8));
                term.readUntil(t -> t.contains("31 101"), Duration.ofSeconds(20));
                term.sendBytes("exit 3\n".getBytes(StandardCharsets.UTF_8));
                JsonNode exit = null;
                while (exit == null) {
                    Socket.Frame f = term.next(Duration.ofSeconds(20));
                    assertTrue(!f.isClose() || exit != null, "closed before the exit message: " + f);
                    if (f.text() != null) {
                        JsonNode msg = Gateway.JSON.readTree(f.text());
                        if (msg.path("type").asText().equals("exit")) {
                            exit = msg;
                        }
                    }
                }
                assertEquals(3, exit.get("code").asInt());
            }
        } finally {
            alice.delete("/api/v1/sessions/" + id);
        }
    }

}
