package dev.playground.e2e;

import static dev.playground.e2e.Gateway.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** What the fault scenarios (S7, S8) set up before they break something, and check after. */
final class Faults {

    private Faults() {
    }

    /** A RUNNING python session of {@code who} holding {@code notes.txt}; returns its API path. */
    static String sessionWithNotes(Gateway who, byte[] notes) {
        String id = who.createSession(obj("template", "python")).get("id").asText();
        String base = "/api/v1/sessions/" + id;
        Await.upTo(Duration.ofSeconds(60)).until(() -> who.get(base).json().get("state").asText().equals("RUNNING"));
        Gateway.ok(who.put(base + "/files/notes.txt", notes, "application/octet-stream"));
        return base;
    }

    /** Starts a fresh-sandbox run that sleeps, and waits until its sandbox runs; returns its execution id. */
    static String runInFlight(Gateway who) {
        Gateway.Reply running = who.post("/api/v1/executions", obj("language", "python",
                "code", "import time\nprint('started', flush=True)\ntime.sleep(60)"));
        assertEquals(202, running.status(), running.toString());
        String id = running.json().get("id").asText();
        Await.upTo(Duration.ofSeconds(30)).until(() -> !Host.runSandboxes(id, true).isEmpty());
        return id;
    }

    /** The system answers a real run through the gateway again, without manual steps, within {@code patience}. */
    static void serves(Gateway who, Duration patience) {
        JsonNode r = Await.value(patience, () -> {
            Gateway.Reply reply = who.post("/api/v1/executions?wait=true", obj("language", "python", "code", "print(6*7)"));
            return reply.status() == 200 ? reply.json() : null;
        }, res -> res != null && res.path("verdict").asText().equals("OK"));
        assertEquals("42", r.get("run").get("stdout").asText().trim());
    }

    /** The run that a fault cut off ends up recorded as failed, and no sandbox of any run is left. */
    static void cutOffRunIsRecordedFailed(Gateway who, String executionId) {
        Await.upTo(Duration.ofMinutes(3)).until(() -> Host.runSandboxes(null, false).isEmpty());
        JsonNode cut = Await.value(Duration.ofSeconds(90), () -> who.get("/api/v1/executions/" + executionId).json(),
                e -> e.path("status").asText().equals("COMPLETED"));
        assertEquals("INTERNAL_ERROR", cut.get("verdict").asText(),
                "a run cut off by a fault is recorded as failed, not left RUNNING forever: " + cut);
    }

    /** Within a reconcile interval (60 s) and some, every session container of this stack has a live record. */
    static void everySessionContainerHasARecord() {
        try {
            Await.upTo(Duration.ofSeconds(90)).until(() -> sessionContainersWithoutRecord().isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("session containers without a record: " + sessionContainersWithoutRecord(), e);
        }
    }

    /** Session containers of this stack that no live session record (of the e2e principals, or the pool) owns. */
    static Set<String> sessionContainersWithoutRecord() {
        Set<String> containerSessions = new HashSet<>();
        for (String c : Host.containers("playground.kind", "session")) {
            containerSessions.add(Host.docker("inspect", "-f", "{{index .Config.Labels \"playground.id\"}}", c));
        }
        for (String owner : new String[] {"e2e-alice", "e2e-bob"}) {
            Gateway.as(owner).get("/api/v1/sessions").json().forEach(s -> containerSessions.remove(s.get("id").asText()));
        }
        containerSessions.removeAll(Host.pooledSessions());
        return containerSessions;
    }
}
