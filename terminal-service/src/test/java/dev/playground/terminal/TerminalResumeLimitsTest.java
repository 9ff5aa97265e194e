package dev.playground.terminal;

import static dev.playground.terminal.SessionServiceStandIn.OWNER;
import static dev.playground.terminal.SessionServiceStandIn.RUNNING;
import static dev.playground.terminal.SessionServiceStandIn.SECOND;
import static dev.playground.terminal.Shells.WAIT;
import static dev.playground.terminal.Shells.attached;
import static dev.playground.terminal.Shells.shell;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.session.SessionEvent;
import dev.playground.contract.session.SessionEventType;
import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.terminal.Shells.Shell;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What bounds detached shells other than their grace, which is a minute here so that it never is what ends them: their
 * session stopping, and the memory of their output (1 KiB each, 2 KiB for all: two detached shells at most).
 */
@QuarkusTest
@TestProfile(TerminalResumeLimitsTest.SmallBuffers.class)
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStandIn.class)
class TerminalResumeLimitsTest extends ShellContainerTest {

    /** A long grace and small resume buffers. */
    public static class SmallBuffers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("playground.terminal.pty.resume-grace", "60s",
                    "playground.terminal.pty.resume-buffer", "1024",
                    "playground.terminal.pty.resume-buffer-total", "2048");
        }
    }

    private static final int GOING_AWAY = 1001;

    @Test
    void aStoppedSessionEndsItsDetachedShellsToo() throws Exception {
        try (WsClient open = terminal(SECOND, OWNER, ""); TestEvents events = new TestEvents()) {
            shell(open);
            Shell kept;
            try (WsClient lost = terminal(SECOND, OWNER, "")) {
                kept = shell(lost);
                lost.goAway(GOING_AWAY);
            }
            // The consumer may still be joining the topic: publish until the open terminal hears it.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                events.publish(new SessionEvent(SECOND, OWNER, SessionEventType.STOPPED, Instant.now()));
                return open.closed.isDone();
            });
            assertEquals("session stopped", open.awaitClose(WAIT).reason());
            container.awaitGone(kept.pid());
            try (WsClient again = terminal(SECOND, OWNER, "?resume=" + kept.token())) {
                assertFalse(attached(again).path("resumed").asBoolean(true), "nothing left to resume");
            }
        }
    }

    @Test
    void aDetachedShellKeepsItsNewestOutputAndTheOldestEndsWhenTheBuffersAreSpent() throws Exception {
        String done = "/tmp/printed-" + UUID.randomUUID();
        Shell first;
        Shell second;
        Shell third;
        try (WsClient t = terminal(RUNNING, OWNER, "")) {
            first = shell(t);
            t.goAway(GOING_AWAY);
        }
        try (WsClient t = terminal(RUNNING, OWNER, "")) {
            second = shell(t);
            t.type("sleep 1; seq 1 3000; touch " + done + "\r"); // about 14 KB while detached
            t.goAway(GOING_AWAY);
        }
        await().atMost(WAIT).until(() -> container.run("test -e " + done + " && echo yes").equals("yes"));
        try (WsClient t = terminal(RUNNING, OWNER, "")) {
            third = shell(t);
            t.goAway(GOING_AWAY); // a third detached shell: the first, detached longest ago, ends
        }
        container.awaitGone(first.pid());

        try (WsClient t = terminal(RUNNING, OWNER, "?resume=" + second.token())) {
            assertTrue(attached(t).path("resumed").asBoolean());
            String replayed = t.awaitOutputContaining("3000\r\n");
            assertTrue(t.binaryBytes() <= 1024, "at most the resume buffer: " + t.binaryBytes() + " bytes");
            assertFalse(replayed.contains("\r\n1\r\n"), "the oldest output was dropped");
        }
        try (WsClient t = terminal(RUNNING, OWNER, "?resume=" + third.token())) {
            assertTrue(attached(t).path("resumed").asBoolean(), "the newer detached shells were kept");
        }
        try (WsClient t = terminal(RUNNING, OWNER, "?resume=" + first.token())) {
            assertFalse(attached(t).path("resumed").asBoolean(true));
        }
    }
}
