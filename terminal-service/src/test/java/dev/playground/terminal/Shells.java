package dev.playground.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a client sees of a terminal's shell: the {@code attached} message, and the shell's pid ({@code $$}). */
final class Shells {

    static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern PID = Pattern.compile("pid=(\\d+)\r\n");

    /** A shell as the client saw it: its token, whether it was resumed, its pid in the container. */
    record Shell(String token, boolean resumed, String pid) {
    }

    private Shells() {
    }

    /** The next text message, which must be {@code attached}. */
    static JsonNode attached(WsClient t) throws Exception {
        String text = t.nextText(WAIT);
        assertNotNull(text, "no attached message");
        JsonNode node = TestEvents.JSON.readTree(text);
        assertEquals("attached", node.path("type").asText(), text);
        return node;
    }

    /** The attached message and the shell's pid. */
    static Shell shell(WsClient t) throws Exception {
        JsonNode attached = attached(t);
        return new Shell(attached.path("terminal").asText(), attached.path("resumed").asBoolean(), pid(t));
    }

    /** The pid of the shell, as {@code echo $$} prints it. */
    static String pid(WsClient t) throws Exception {
        t.clearOutput();
        t.type("echo pid=$$\r");
        Matcher m = PID.matcher(t.awaitOutput(s -> PID.matcher(s).find(), WAIT));
        assertTrue(m.find());
        return m.group(1);
    }
}
