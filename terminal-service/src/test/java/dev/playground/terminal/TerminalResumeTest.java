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
import dev.playground.contract.Principal;
import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.contract.testing.TestSecrets;
import dev.playground.terminal.Shells.Shell;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A terminal whose connection is lost comes back to the same shell with its token ({@code resume=}), with what it
 * printed meanwhile; nobody else's token, session or late resume gets that shell. The test profile keeps a detached
 * shell for 3 s ({@code pty.resume-grace}).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStandIn.class)
class TerminalResumeTest {

    /** Close code of a page that reloads; any code but 1000 keeps the shell. */
    private static final int GOING_AWAY = 1001;
    /** Counts the processes running {@code sleep 4243} (the [] keeps grep from counting itself). */
    private static final String SLEEPING = "grep -la '[s]leep.4243' /proc/[0-9]*/cmdline 2>/dev/null | wc -l";

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "test.stand-in.url")
    String standIn;

    private SessionContainer container;

    @BeforeEach
    void container() throws Exception {
        container = new SessionContainer(standIn);
    }

    @AfterEach
    void closeContainer() throws Exception {
        container.close();
    }

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
        try (Socket raw = new Socket(base.getHost(), base.getPort())) {
            token = attachedOverRawSocket(raw);
            raw.setSoLinger(true, 0); // closes with a TCP reset: no close frame, as a dropped network looks
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
                Shell got = shell(thief);
                assertFalse(got.resumed());
                assertNotEquals(first.pid(), got.pid());
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
            Shell got = shell(thief);
            assertFalse(got.resumed());
            assertNotEquals(alices.token(), got.token());
            assertNotEquals(alices.pid(), got.pid());
        }
        try (WsClient thief = terminal(RUNNING, OTHER_OWNER, "?resume=" + alices.token())) {
            WsClient.Closed closed = thief.awaitClose(WAIT);
            assertEquals(1008, closed.code());
            assertEquals("session " + RUNNING + " not found", closed.reason());
            assertEquals(0, thief.binaryBytes(), "nothing of the shell reached another principal");
        }
        // Alice's token in another of her sessions: a new shell there.
        try (WsClient elsewhere = terminal(SECOND, OWNER, "?resume=" + alices.token())) {
            Shell got = shell(elsewhere);
            assertFalse(got.resumed());
            assertNotEquals(alices.pid(), got.pid());
        }
        // A token that only begins like hers is another token.
        try (WsClient guess = terminal(RUNNING, OWNER, "?resume=" + alices.token().substring(0, 20))) {
            Shell got = shell(guess);
            assertFalse(got.resumed());
            assertNotEquals(alices.pid(), got.pid());
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
            Shell got = shell(t);
            assertFalse(got.resumed());
            assertNotEquals(closed.pid(), got.pid());
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
            Shell got = shell(t);
            assertFalse(got.resumed());
            assertNotEquals(lost.pid(), got.pid());
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

    /** Opens a terminal by hand on {@code raw} and returns the token of its attached message. */
    private static String attachedOverRawSocket(Socket raw) throws Exception {
        String path = "/api/v1/sessions/" + RUNNING + "/terminal";
        OutputStream out = raw.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII)) + "\r\n"
                + Principal.HEADER + ": " + OWNER + "\r\n" + Principal.SIGNATURE_HEADER + ": " + TestSecrets.sign(OWNER)
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        raw.setSoTimeout((int) WAIT.toMillis());
        DataInputStream in = new DataInputStream(raw.getInputStream());
        String headers = "";
        while (!headers.endsWith("\r\n\r\n")) {
            headers += (char) in.readUnsignedByte();
        }
        assertTrue(headers.startsWith("HTTP/1.1 101"), headers);
        while (true) { // frames until the first text frame
            int opcode = in.readUnsignedByte() & 0x0f;
            int length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = in.readNBytes(length);
            if (opcode == 0x1) {
                JsonNode attached = TestEvents.JSON.readTree(payload);
                assertEquals("attached", attached.path("type").asText());
                return attached.path("terminal").asText();
            }
        }
    }

    private WsClient terminal(String session, String principal, String query) throws Exception {
        return WsClient.connect(vertx, base, "/api/v1/sessions/" + session + "/terminal" + query, principal);
    }
}
