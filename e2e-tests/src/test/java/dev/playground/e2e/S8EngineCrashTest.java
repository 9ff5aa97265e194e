package dev.playground.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
        byte[] notes = "must survive the engine's crash\n".getBytes(StandardCharsets.UTF_8);
        String base = Faults.sessionWithNotes(alice, notes);
        String interrupted = Faults.runInFlight(alice);

        Host.crashAndRestartDockerEngine();

        // Nobody restarts the stack by hand: its containers come back with the engine (restart: always).
        Faults.serves(alice, Duration.ofMinutes(5));

        // The session's container died with the engine: the record says so, and starting it brings the files back.
        Await.upTo(Duration.ofMinutes(2)).until(() -> alice.get(base).json().path("state").asText().equals("STOPPED"));
        Gateway.ok(alice.post(base + "/start", Gateway.obj()));
        Await.upTo(Duration.ofSeconds(60)).until(() -> alice.get(base).json().get("state").asText().equals("RUNNING"));
        assertEquals(new String(notes, StandardCharsets.UTF_8), alice.get(base + "/files/notes.txt").text(),
                "workspace file after the engine's crash");

        // The run that was cut off is recorded as failed, and its sandbox is gone.
        Faults.cutOffRunIsRecordedFailed(alice, interrupted);

        // Records agree with Docker: every session container of this stack belongs to a live session record (a
        // record goes first, its container next; what the service could not remove, the reconciler removes).
        Faults.everySessionContainerHasARecord();
        Gateway.ok(alice.delete(base));
    }
}
