package dev.playground.terminal;

import static dev.playground.terminal.SessionServiceStandIn.OTHERS;
import static dev.playground.terminal.SessionServiceStandIn.OTHER_OWNER;
import static dev.playground.terminal.SessionServiceStandIn.OWNER;
import static dev.playground.terminal.SessionServiceStandIn.RUNNING;
import static dev.playground.terminal.SessionServiceStandIn.SECOND;
import static dev.playground.terminal.Shells.WAIT;
import static dev.playground.terminal.Shells.attached;
import static dev.playground.terminal.Shells.pid;
import static dev.playground.terminal.Shells.shell;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.terminal.Shells.Shell;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A terminal whose connection is lost comes back to the same shell with its token ({@code resume=}), with what it
 * printed meanwhile; nobody else's token, session or late resume gets that shell. The test profile keeps a detached
 * shell for 3 s ({@code pty.resume-grace}).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStandIn.class)
class TerminalResumeTest extends ShellContainerTest {

    /** Close code of a page that reloads; any code but 1000 keeps the shell. */
    private static final int GOING_AWAY = 1001;
    /** Counts the processes running {@code sleep 4243} (the [] keeps grep from counting itself). */
    private static final String SLEEPING = "grep -la '[s]leep.4243' /proc/[0-9]*/cmdline 2>/dev/null | wc -l";

    @Test
    void aLostConnectionResumesTheSameShellWithWhatItPrintedMeanwhile() throws Exception {
        String done = "/tmp/away-" + UUID.randomUUID();
        Shell before;
        try (WsClient first = terminal(RUNNING, OWNER, "?cols=80&rows=24")) {
            before = shell(first);
            assertFalse(before.resumed());
            assertTrue(before.token().matches("terminal-test\\.[A-Za-z0-9_-]{32}"), before.token());
            first.type("echo one\r");
            first.awaitOutputContaining("one\r\n");
            first.type("sleep 1; echo while-away; touch " + done + "\r");
            first.goAway(GOING_AWAY);
        }
        await().atMost(WAIT).until(() -> container.run("test -e " + done + " && echo yes").equals("yes"));

        try (WsClient again = terminal(RUNNING, OWNER, "?cols=100&rows=30&resume=" + before.token())) {
            JsonNode attached = attached(again);
            assertTrue(attached.path("resumed").asBoolean(), attached.toString());
            assertEquals(before.token(), attached.path("terminal").asText());
            again.awaitOutputContaining("while-away\r\n"); // printed while nobody was connected
            assertEquals(before.pid(), pid(again), "the same shell");
            again.type("stty size\r");
            again.awaitOutputContaining("30 100\r\n");
        }
        container.awaitGone(before.pid());
    }

    @Test
    void aConnectionThatBreaksWithoutACloseFrameIsResumed() throws Exception {
        String token;
        try (RawWebSocket raw = RawWebSocket.open(base, "/api/v1/sessions/" + RUNNING + "/terminal", OWNER, WAIT)) {
            RawWebSocket.Frame frame = raw.next();
            while (frame.opcode() != RawWebSocket.TEXT) {
                frame = raw.next();
            }
            JsonNode attached = TestEvents.JSON.readTree(frame.payload());
            assertEquals("attached", attached.path("type").asText());
            token = attached.path("terminal").asText();
            raw.reset();
        }
        try (WsClient again = terminal(RUNNING, OWNER, "?resume=" + token)) {
            JsonNode attached = attached(again);
            assertTrue(attached.path("resumed").asBoolean(), attached.toString());
            again.type("echo back-again\r");
            again.awaitOutputContaining("back-again\r\n");
        }
    }

    /**
     * A network that vanishes sends nothing: the server sees the old socket alive until its pings go unanswered. A
     * reconnect with the token takes the shell over (the old socket is closed with 4001), but only for its owner.
     */
    @Test
    void aReconnectWhileTheOldSocketStillLooksAliveTakesTheShellOverForItsOwnerOnly() throws Exception {
        try (WsClient old = terminal(RUNNING, OWNER, "")) {
            Shell first = shell(old);
            old.type("mine=kept\r");
            try (WsClient thief = terminal(OTHERS, OTHER_OWNER, "?resume=" + first.token())) {
                newShell(thief, first);
            }
            old.type("echo still-mine\r");
            old.awaitOutputContaining("still-mine\r\n");

            try (WsClient again = terminal(RUNNING, OWNER, "?resume=" + first.token())) {
                JsonNode attached = attached(again);
                assertTrue(attached.path("resumed").asBoolean(), attached.toString());
                WsClient.Closed closed = old.awaitClose(WAIT);
                assertEquals(4001, closed.code(), closed.reason());
                assertEquals(first.pid(), pid(again), "the same shell");
                again.type("echo \"got=$mine\"\r");
                again.awaitOutputContaining("got=kept\r\n");
            }
            container.awaitGone(first.pid());
        }
    }

    @Test
    void aStolenTokenNeverReachesTheShellOfAnotherPrincipalOrSession() throws Exception {
        Shell alices;
        try (WsClient alice = terminal(RUNNING, OWNER, "")) {
            alices = shell(alice);
            alice.type("secret=alices-own\r");
            alice.goAway(4000);
        }
        // Another principal with the token: in her own session, a new shell of her own; in Alice's, nothing at all.
        try (WsClient thief = terminal(OTHERS, OTHER_OWNER, "?resume=" + alices.token())) {
            newShell(thief, alices);
        }
        try (WsClient thief = terminal(RUNNING, OTHER_OWNER, "?resume=" + alices.token())) {
            WsClient.Closed closed = thief.awaitClose(WAIT);
            assertEquals(1008, closed.code());
            assertEquals("session " + RUNNING + " not found", closed.reason());
            assertEquals(0, thief.binaryBytes(), "nothing of the shell reached another principal");
        }
        // Alice's token in another of her sessions: a new shell there.
        try (WsClient elsewhere = terminal(SECOND, OWNER, "?resume=" + alices.token())) {
            newShell(elsewhere, alices);
        }
        // A token that only begins like hers is another token.
        try (WsClient guess = terminal(RUNNING, OWNER, "?resume=" + alices.token().substring(0, 20))) {
            newShell(guess, alices);
        }
        // None of it took the shell from her.
        try (WsClient alice = terminal(RUNNING, OWNER, "?resume=" + alices.token())) {
            assertTrue(attached(alice).path("resumed").asBoolean());
            alice.type("echo \"got=$secret\"\r");
            alice.awaitOutputContaining("got=alices-own\r\n");
        }
        container.awaitGone(alices.pid());
    }

    @Test
    void aTerminalClosedOnPurposeIsNotResumed() throws Exception {
        Shell closed;
        try (WsClient t = terminal(RUNNING, OWNER, "")) {
            closed = shell(t);
        } // closes with 1000
        container.awaitGone(closed.pid());
        try (WsClient t = terminal(RUNNING, OWNER, "?resume=" + closed.token())) {
            newShell(t, closed);
        }
    }

    @Test
    void aShellNotResumedWithinTheGraceIsHungUp() throws Exception {
        Shell lost;
        try (WsClient t = terminal(RUNNING, OWNER, "")) {
            lost = shell(t);
            t.type("sleep 4243\r");
            await().atMost(WAIT).until(() -> container.run(SLEEPING).equals("1"));
            t.goAway(GOING_AWAY);
        }
        container.awaitGone(lost.pid());
        assertEquals("0", container.run(SLEEPING), "its foreground program ended with it");
        try (WsClient t = terminal(RUNNING, OWNER, "?resume=" + lost.token())) {
            newShell(t, lost);
        }
    }

    @Test
    void aDetachedShellCountsTowardsTheSessionsTerminals() throws Exception {
        try (WsClient one = terminal(SECOND, OWNER, ""); WsClient two = terminal(SECOND, OWNER, "")) {
            Shell kept;
            try (WsClient three = terminal(SECOND, OWNER, "")) {
                shell(one);
                shell(two);
                kept = shell(three);
                three.goAway(GOING_AWAY);
            }
            try (WsClient extra = terminal(SECOND, OWNER, "")) {
                WsClient.Closed c = extra.awaitClose(WAIT);
                assertEquals(1013, c.code());
                assertTrue(c.reason().contains("already has 3 terminals"), c.reason());
            }
            try (WsClient three = terminal(SECOND, OWNER, "?resume=" + kept.token())) {
                assertTrue(attached(three).path("resumed").asBoolean(), "resuming needs no free place");
            }
        }
    }

    /** The socket got a shell of its own: not resumed, and not {@code other}. */
    private static Shell newShell(WsClient client, Shell other) throws Exception {
        Shell got = shell(client);
        assertFalse(got.resumed());
        assertNotEquals(other.pid(), got.pid());
        assertNotEquals(other.token(), got.token());
        return got;
    }
}
