package dev.playground.e2e;

import static dev.playground.e2e.Gateway.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Scenario 7, the hardest fault: the Docker engine itself dies (SIGKILL, as in a crash) while a session holds
 * files and a run is in flight, and is started again. Every container stops with it; the stack comes back by
 * itself, no workspace file is lost, the session's record agrees with its dead container, and the run that was
 * cut off is recorded as failed with no sandbox left behind. Runs last (alphabetical order), since every part
 * of the stack restarts.
 */
class S8EngineCrashTest {

    final Gateway alice = Gateway.as("e2e-alice");

    @Test
    void aDockerEngineCrashLosesNoWorkspaceFileAndLeavesNoOrphan() throws Exception {
        JsonNode session = alice.createSession(obj("template", "python"));
        String id = session.get("id").asText();
        String base = "/api/v1/sessions/" + id;
        Await.upTo(Duration.ofSeconds(60)).until(() -> alice.get(base).json().get("state").asText().equals("RUNNING"));
        byte[] notes = "must survive the engine's crash\n".getBytes(StandardCharsets.UTF_8);
        Gateway.ok(alice.put(base + "/files/notes.txt", notes, "application/octet-stream"));
        Gateway.Reply running = alice.post("/api/v1/executions", obj("language", "python",
                "code", "import time\nprint('started', flush=True)\ntime.sleep(60)"));
        assertEquals(202, running.status(), running.toString());
        String interrupted = running.json().get("id").asText();
        Await.upTo(Duration.ofSeconds(30)).until(() -> !Host.runningContainers("playground.id", interrupted).isEmpty());

        Host.crashAndRestartDockerEngine();

        // Nobody restarts the stack by hand: its containers come back with the engine (restart: always).
        JsonNode r = Await.value(Duration.ofMinutes(5), () -> {
            Gateway.Reply reply = alice.post("/api/v1/executions?wait=true", obj("language", "python", "code", "print(6*7)"));
            return reply.status() == 200 ? reply.json() : null;
        }, res -> res != null && res.path("verdict").asText().equals("OK"));
        assertEquals("42", r.get("run").get("stdout").asText().trim());

        // The session's container died with the engine: the record says so, and starting it brings the files back.
        Await.upTo(Duration.ofMinutes(2)).until(() -> alice.get(base).json().path("state").asText().equals("STOPPED"));
        Gateway.ok(alice.post(base + "/start", obj()));
        Await.upTo(Duration.ofSeconds(60)).until(() -> alice.get(base).json().get("state").asText().equals("RUNNING"));
        assertEquals(new String(notes, StandardCharsets.UTF_8), alice.get(base + "/files/notes.txt").text(),
                "workspace file after the engine's crash");

        // The run that was cut off is recorded as failed, and its sandbox is gone.
        Await.upTo(Duration.ofMinutes(3)).until(() -> Host.containers("playground.kind", "execution").isEmpty());
        JsonNode cut = Await.value(Duration.ofSeconds(90), () -> alice.get("/api/v1/executions/" + interrupted).json(),
                e -> e.path("status").asText().equals("COMPLETED"));
        assertEquals("INTERNAL_ERROR", cut.get("verdict").asText(), "a run cut off by the engine's crash: " + cut);

        // Records agree with Docker: every session container of this stack belongs to a live session record.
        Set<String> containerSessions = new HashSet<>();
        for (String c : Host.containers("playground.kind", "session")) {
            containerSessions.add(Host.docker("inspect", "-f", "{{index .Config.Labels \"playground.id\"}}", c));
        }
        for (String owner : new String[] {"e2e-alice", "e2e-bob"}) {
            Gateway.as(owner).get("/api/v1/sessions").json().forEach(s -> containerSessions.remove(s.get("id").asText()));
        }
        assertTrue(containerSessions.isEmpty(), "session containers without a record: " + containerSessions);
        Gateway.ok(alice.delete(base));
    }
}
