package dev.playground.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Scenario 7: faults. Services, Kafka and PostgreSQL are killed during activity and started again; afterwards
 * no orphan sandbox, no lost workspace file, history consistent, and the system serves without manual steps.
 */
class S7FaultsTest {

    final Gateway alice = Gateway.as("e2e-alice");

    @Test
    void killingEachPartLosesNothingAndLeavesNoOrphan() throws Exception {
        byte[] notes = "must survive every crash\n".getBytes(StandardCharsets.UTF_8);
        String base = Faults.sessionWithNotes(alice, notes);
        String id = base.substring(base.lastIndexOf('/') + 1);

        // The executor dies in the middle of a run (in a warm sandbox it had claimed), with warm sandboxes waiting.
        String interrupted = Faults.runInFlight(alice);
        java.util.Set<String> deadBoots = warmSandboxBoots();
        assertTrue(!deadBoots.isEmpty(), "the executor keeps warm sandboxes");
        restart("executor-service");
        // A restarted executor needs its start-up (up to ~90 s on a busy 2-core machine) before its reaper runs.
        Faults.cutOffRunIsRecordedFailed(alice, interrupted);
        Faults.serves(alice, Duration.ofMinutes(3));
        // Nothing the dead process warmed or claimed is left: its successor's reaper took them.
        Await.value(Duration.ofSeconds(90), S7FaultsTest::warmSandboxBoots,
                boots -> boots.stream().noneMatch(deadBoots::contains));

        // session-service, Kafka and PostgreSQL die in turn; each time the workspace and the record survive.
        for (String part : new String[] {"session-service", "kafka", "postgres"}) {
            restart(part);
            Faults.serves(alice, Duration.ofMinutes(3));
            JsonNode s = Await.value(Duration.ofSeconds(90), () -> alice.get(base),
                    r -> r.status() == 200 && r.json().path("state").asText().equals("RUNNING")).json();
            assertEquals(id, s.get("id").asText(), "after " + part);
            assertEquals(new String(notes, StandardCharsets.UTF_8), alice.get(base + "/files/notes.txt").text(),
                    "workspace file after " + part + " restart");
        }

        // Records agree with Docker: every session container of this stack belongs to a live session record (a
        // record goes first, its container next; what the service could not remove, the reconciler removes).
        Faults.everySessionContainerHasARecord();
        Gateway.ok(alice.delete(base));
    }

    /** The processes (boot ids) whose warm sandboxes are on the engine, claimed by a run or waiting. */
    static java.util.Set<String> warmSandboxBoots() {
        java.util.Set<String> boots = new java.util.HashSet<>();
        for (String c : Host.containers("playground.kind", "pool")) {
            boots.add(Host.docker("inspect", "-f", "{{index .Config.Labels \"playground.boot\"}}", c).strip());
        }
        return boots;
    }

    /** Kills a part of the stack (SIGKILL, no goodbye) and starts it again. */
    static void restart(String service) {
        String container = Host.stackContainer(service);
        Host.docker("kill", container);
        Host.docker("start", container);
    }
}
