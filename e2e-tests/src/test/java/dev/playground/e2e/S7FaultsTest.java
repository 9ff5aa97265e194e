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
 * Scenario 7: faults. Services, Kafka and PostgreSQL are killed during activity and started again; afterwards
 * no orphan sandbox, no lost workspace file, history consistent, and the system serves without manual steps.
 */
class S7FaultsTest {

    final Gateway alice = Gateway.as("e2e-alice");

    @Test
    void killingEachPartLosesNothingAndLeavesNoOrphan() throws Exception {
        JsonNode session = alice.createSession(obj("template", "python"));
        String id = session.get("id").asText();
        String base = "/api/v1/sessions/" + id;
        Await.upTo(Duration.ofSeconds(60)).until(() -> alice.get(base).json().get("state").asText().equals("RUNNING"));
        byte[] notes = "must survive every crash\n".getBytes(StandardCharsets.UTF_8);
        Gateway.ok(alice.put(base + "/files/notes.txt", notes, "application/octet-stream"));

        // The executor dies in the middle of a run.
        Gateway.Reply running = alice.post("/api/v1/executions", obj("language", "python",
                "code", "import time\nprint('started', flush=True)\ntime.sleep(30)"));
        assertEquals(202, running.status(), running.toString());
        String interrupted = running.json().get("id").asText();
        Await.upTo(Duration.ofSeconds(20)).until(() -> !Host.runningContainers("playground.id", interrupted).isEmpty());
        restart("executor-service");
        // A restarted executor needs its start-up (up to ~90 s on a busy 2-core machine) before its reaper runs.
        Await.upTo(Duration.ofMinutes(3)).until(() -> Host.containers("playground.kind", "execution").isEmpty());
        JsonNode afterCrash = Await.value(Duration.ofSeconds(60), () -> alice.get("/api/v1/executions/" + interrupted).json(),
                r -> r.path("status").asText().equals("COMPLETED"));
        assertEquals("INTERNAL_ERROR", afterCrash.get("verdict").asText(),
                "a run whose executor died is recorded as failed, not left RUNNING forever: " + afterCrash);
        serves();

        // session-service, Kafka and PostgreSQL die in turn; each time the workspace and the record survive.
        for (String part : new String[] {"session-service", "kafka", "postgres"}) {
            restart(part);
            serves();
            JsonNode s = Await.value(Duration.ofSeconds(90), () -> alice.get(base),
                    r -> r.status() == 200 && r.json().path("state").asText().equals("RUNNING")).json();
            assertEquals(id, s.get("id").asText(), "after " + part);
            assertEquals(new String(notes, StandardCharsets.UTF_8), alice.get(base + "/files/notes.txt").text(),
                    "workspace file after " + part + " restart");
        }

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

    /** Kills a part of the stack (SIGKILL, no goodbye) and starts it again. */
    static void restart(String service) {
        String container = Host.stackContainer(service);
        Host.docker("kill", container);
        Host.docker("start", container);
    }

    /** The system answers a real run through the gateway again, without manual steps. */
    void serves() {
        JsonNode r = Await.value(Duration.ofMinutes(3), () -> {
            Gateway.Reply reply = alice.post("/api/v1/executions?wait=true", obj("language", "python", "code", "print(6*7)"));
            return reply.status() == 200 ? reply.json() : null;
        }, res -> res != null && res.path("verdict").asText().equals("OK"));
        assertEquals("42", r.get("run").get("stdout").asText().trim());
    }
}
