package dev.playground.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.playground.contract.session.SessionEvent;
import dev.playground.contract.session.SessionEventType;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStandIn.class)
class TerminalSocketTest extends SocketTest {

    private static final String TERMINAL = "/api/v1/sessions/" + SessionServiceStandIn.RUNNING + "/terminal";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static DockerClient docker;

    @BeforeAll
    static void docker() {
        docker = SessionServiceStandIn.dockerClient();
    }

    @AfterAll
    static void closeDocker() throws Exception {
        docker.close();
    }

    private WsClient terminal(String query) throws Exception {
        return WsClient.connect(vertx, base, TERMINAL + query, SessionServiceStandIn.OWNER);
    }

    @Test
    void typingEchoHiShowsHiAndCountsAsSessionActivity() throws Exception {
        try (WsClient t = terminal("?cols=80&rows=24")) {
            t.type("echo hi\r");
            // The command line echoes back, then the shell prints hi on a line of its own (after any mode reset).
            t.awaitOutput(s -> s.matches("(?s).*echo hi\r\n.*[\r\n]hi\r\n.*"), WAIT);
        }
        assertTrue(Integer.parseInt(get("/stand-in/activity/" + SessionServiceStandIn.RUNNING)) >= 1,
                "terminal use is reported to session-service as activity");
    }

    @Test
    void theShellRunsAsTheSandboxUserWithoutCapabilities() throws Exception {
        try (WsClient t = terminal("")) {
            t.type("echo \"who=$(id -u):$(id -g) $(grep CapEff /proc/self/status | tr -d '\\t')\"\r");
            t.awaitOutputContaining("who=1000:1000 CapEff:0000000000000000\r\n");
        }
    }

    @Test
    void sttySizeAgreesWithTheOpeningSizeAndWithEachResize() throws Exception {
        try (WsClient t = terminal("?cols=100&rows=30")) {
            t.type("stty size\r");
            t.awaitOutputContaining("30 100\r\n");
            t.send("{\"type\":\"resize\",\"cols\":132,\"rows\":43}");
            t.clearOutput();
            t.type("stty size\r");
            t.awaitOutputContaining("43 132\r\n");
        }
    }

    @Test
    void theShellsExitCodeIsSentAndTheSocketCloses() throws Exception {
        try (WsClient t = terminal("")) {
            var attached = TestEvents.JSON.readTree(t.nextText(WAIT));
            assertEquals("attached", attached.path("type").asText());
            assertFalse(attached.path("resumed").asBoolean(true), "a new shell");
            t.type("exit 3\r");
            assertEquals("{\"type\":\"exit\",\"code\":3}", t.nextText(WAIT));
            assertEquals(1000, t.awaitClose(WAIT).code());
        }
    }

    @Test
    void multiByteCharactersArriveWholeHoweverTheBytesAreFramed() throws Exception {
        try (WsClient t = terminal("")) {
            // 20,000 three-byte characters: frames of any size split some of them; the client decodes the stream.
            t.type("python3 -c \"print('\\u20ac' * 20000, 'done')\"\r");
            String out = t.awaitOutputContaining(" done\r\n");
            assertTrue(out.contains("€".repeat(20000)), "every euro sign intact");
            assertTrue(!out.contains("\uFFFD"), "no replacement characters");
        }
    }

    @Test
    void aFileEditedWithViIsSavedAndTopAndLessDrawFullScreen() throws Exception {
        try (WsClient t = terminal("?cols=90&rows=20")) {
            // vi and less switch to the alternate screen, and back when they quit; the next command
            // is typed at the shell's next prompt (keys typed while the program restores the terminal are its own).
            t.type("vi notes.txt\r");
            t.awaitOutputContaining("\u001b[?1049h");
            t.clearOutput();
            t.type("ihello from vi\u001b:wq\r");
            awaitPromptAfter(t, "\u001b[?1049l");
            t.type("cat notes.txt\r");
            t.awaitOutputContaining("hello from vi\r\n");

            t.clearOutput();
            t.type("top -d 1\r");
            t.awaitOutputContaining("load average");
            t.clearOutput();
            t.type("q");
            awaitPromptAfter(t, ""); // top redraws in place rather than on the alternate screen

            t.type("seq 1000 | less\r");
            t.awaitOutputContaining("\u001b[?1049h");
            t.type("G"); // to the end of the text: the pager answers keys
            t.awaitOutputContaining("(END)");
            t.clearOutput();
            t.type("q");
            awaitPromptAfter(t, "\u001b[?1049l");
            t.type("echo after-less\r");
            t.awaitOutputContaining("after-less\r\n");
        }
    }

    /** Waits for {@code marker} and then the shell's prompt ({@code $ } last on the screen), and clears the output. */
    private static void awaitPromptAfter(WsClient t, String marker) throws Exception {
        t.awaitOutput(s -> s.contains(marker) && s.substring(s.indexOf(marker)).endsWith("$ "), WAIT);
        t.clearOutput();
    }

    @Test
    void aFullScreenProgramGetsARealTerminal() throws Exception {
        try (WsClient t = terminal("?cols=90&rows=20")) {
            // A curses program asks the terminal for its size and type, and draws with escape sequences.
            t.type("python3 -c \"import curses; curses.wrapper(lambda s: s.addstr(0, 0, 'size %d %d' % s.getmaxyx()) or s.refresh() or s.getch())\"\r");
            t.awaitOutputContaining("size 20 90");
            String out = t.awaitOutputContaining("\u001b[");
            t.type("q");
            t.clearOutput();
            t.type("echo back $TERM\r");
            t.awaitOutputContaining("back xterm-256color");
            assertTrue(out.contains("\u001b[?1049h"), "switched to the alternate screen like vi or less");
        }
    }

    @Test
    void closingTheSocketEndsTheShellAndItsForegroundProgram() throws Exception {
        try (WsClient t = terminal("")) {
            t.type("sleep 4242\r");
            waitFor(() -> processesMatching("sleep.4242") == 1, "sleep running");
        }
        waitFor(() -> processesMatching("sleep.4242") == 0, "sleep ended with its terminal");
    }

    @Test
    void aStoppedSessionEventClosesItsTerminals() throws Exception {
        try (WsClient t = terminal(""); TestEvents events = new TestEvents()) {
            t.type("echo ready\r");
            t.awaitOutputContaining("ready\r\n");
            // The consumer may still be joining the topic: publish until the terminal hears it.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!t.closed.isDone() && System.nanoTime() < deadline) {
                events.publish(new SessionEvent(SessionServiceStandIn.RUNNING, SessionServiceStandIn.OWNER,
                        SessionEventType.STOPPED, Instant.now()));
                Thread.sleep(500);
            }
            WsClient.Closed closed = t.awaitClose(Duration.ofSeconds(1));
            assertEquals(1000, closed.code());
            assertEquals("session stopped", closed.reason());
        }
    }

    @Test
    void refusedWithoutAPrincipalForAnotherPrincipalAndForAStoppedSession() throws Exception {
        // Without the gateway's signed principal there is no upgrade at all: only the gateway reaches this service.
        var refused = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> WsClient.connect(vertx, base, TERMINAL, null));
        assertTrue(refused.getCause().getMessage().contains("401"), refused.getCause().getMessage());
        var unsigned = assertThrows(java.util.concurrent.ExecutionException.class, () -> WsClient.connectUnsigned(vertx,
                base, TERMINAL, SessionServiceStandIn.OWNER));
        assertTrue(unsigned.getCause().getMessage().contains("401"), unsigned.getCause().getMessage());
        try (WsClient t = WsClient.connect(vertx, base, TERMINAL, "mallory")) {
            WsClient.Closed c = t.awaitClose(WAIT);
            assertEquals(1008, c.code());
            assertEquals("session " + SessionServiceStandIn.RUNNING + " not found", c.reason());
            assertEquals(0, t.binaryBytes(), "nothing of the shell reached another principal");
        }
        try (WsClient t = WsClient.connect(vertx, base, "/api/v1/sessions/" + SessionServiceStandIn.STOPPED
                + "/terminal", SessionServiceStandIn.OWNER)) {
            WsClient.Closed c = t.awaitClose(WAIT);
            assertEquals(1013, c.code());
            assertTrue(c.reason().contains("STOPPED"), c.reason());
        }
        try (WsClient t = terminal("?cols=0&rows=abc")) {
            assertEquals(1008, t.awaitClose(WAIT).code());
        }
    }

    @Test
    void severalTerminalsPerSessionUpToTheConfiguredMaximum() throws Exception {
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient t = terminal("");
                open.add(t);
                t.type("echo term" + i + "\r");
                t.awaitOutputContaining("term" + i + "\r\n");
            }
            try (WsClient extra = terminal("")) {
                WsClient.Closed c = extra.awaitClose(WAIT);
                assertEquals(1013, c.code());
                assertTrue(c.reason().contains("already has 3 terminals"), c.reason());
            }
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void terminalsThatAnotherInstanceOpenedCountTowardsTheLimit() throws Exception {
        // Another terminal-service instance's shells are TTY execs in the same container: made here directly.
        String container = get("/stand-in/container");
        List<java.io.Closeable> others = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                String exec = docker.execCreateCmd(container).withTty(true).withAttachStdin(true).withAttachStdout(true)
                        .withCmd("sh", "-c", "sleep 86399; : other-instance-shell").exec().getId();
                others.add(docker.execStartCmd(exec).withTty(true).withStdIn(new java.io.PipedInputStream(
                        new java.io.PipedOutputStream())).exec(new ResultCallback.Adapter<Frame>()));
            }
            waitFor(() -> processesMatching("other-instance-shell") == 2, "the other instance's two shells run");
            try (WsClient mine = terminal("")) {
                mine.type("echo mine\r");
                mine.awaitOutputContaining("mine\r\n");
                try (WsClient extra = terminal("")) {
                    WsClient.Closed c = extra.awaitClose(WAIT);
                    assertEquals(1013, c.code());
                    assertTrue(c.reason().contains("already has 3 terminals"), c.reason());
                }
            }
        } finally {
            for (java.io.Closeable c : others) {
                c.close();
            }
            String kill = docker.execCreateCmd(container).withCmd("sh", "-c", "pkill -f other-instance-shell; pkill -x -f 'sleep 86399'").exec().getId();
            docker.execStartCmd(kill).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(10, TimeUnit.SECONDS);
            waitFor(() -> processesMatching("other-instance-shell") == 0, "the other instance's shells are gone");
        }
    }

    @Test
    void aClientThatStopsReadingAFloodIsCutOffAndNothingPilesUp() throws Exception {
        try (WsClient t = terminal("")) {
            t.type("echo go\r");
            t.awaitOutputContaining("go\r\n");
            t.stopReading();
            t.type("yes flood-flood-flood-flood-flood\r");
            // yes writes hundreds of MB/s; the server may hold at most its 1 MiB budget for this client.
            Thread.sleep(5000);
            t.resumeReading();
            WsClient.Closed c = t.awaitClose(WAIT);
            assertEquals(1008, c.code());
            assertTrue(c.reason().startsWith("client too slow"), c.reason());
            assertTrue(t.binaryBytes() < 16L << 20,
                    "received only what socket buffers and the budget held: " + t.binaryBytes());
        }
        waitFor(() -> processesMatching("yes.flood") == 0, "the flooding program ended with its terminal");
    }

    @Test
    void aClientThatPausesMakesTheProgramWaitAndThenGetsEveryByteInOrder() throws Exception {
        int last = 1_500_000; // ~12 MB: far more than the 1 MiB budget and the socket buffers between can hold
        try (WsClient t = terminal("")) {
            t.type("stty -echo; echo go\r");
            t.awaitOutputContaining("go\r\n");
            t.clearOutput();
            t.stopReading();
            t.type("seq 1 " + last + "; echo END-OF-SEQ\r");
            Thread.sleep(1000); // within the 2 s a client may stay full
            assertEquals(1, processesMatching("seq.1." + last), "seq waits: its terminal is not read");
            t.resumeReading();
            int expected = 1;
            String carry = "";
            boolean done = false;
            while (!done) {
                String chunk = carry + t.takeOutput(s -> s.length() >= 1 << 20 || s.contains("END-OF-SEQ"), WAIT);
                int cut = chunk.lastIndexOf('\n') + 1;
                carry = chunk.substring(cut);
                for (String line : chunk.substring(0, cut).split("\r\n")) {
                    if (line.startsWith("END-OF-SEQ")) {
                        done = true;
                    } else if (!done && line.matches("\\d+")) {
                        assertEquals(expected++, Integer.parseInt(line), "the lines arrive whole and in order");
                    }
                }
                done |= carry.startsWith("END-OF-SEQ");
            }
            assertEquals(last + 1, expected, "every line arrived");
        }
    }

    private int processesMatching(String pattern) {
        // The [] keeps the pattern from matching grep's own command line.
        String regex = "[" + pattern.charAt(0) + "]" + pattern.substring(1);
        String id = get("/stand-in/container");
        String execId = docker.execCreateCmd(id).withAttachStdout(true).withAttachStderr(true)
                .withCmd("sh", "-c", "grep -la '" + regex + "' /proc/[0-9]*/cmdline 2>/dev/null | wc -l").exec().getId();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.writeBytes(frame.getPayload());
                }
            }).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return Integer.parseInt(out.toString(StandardCharsets.UTF_8).trim());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }

    private String get(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(standIn + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
