package dev.playground.e2e;

import static dev.playground.e2e.Gateway.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Scenario 4: an interview pad: Python with 10 s / 128 MB / 1 MB output, each limit hit once; files saved and loaded. */
class S4InterviewPadTest {

    final Gateway alice = Gateway.as("e2e-alice");
    static final int ONE_MB = 1 << 20;

    ObjectNode python(String code) {
        return obj("language", "python", "code", code,
                "limits", obj("wallTimeMs", 10_000, "memoryMb", 128, "outputBytes", ONE_MB));
    }

    @Test
    void eachLimitIsHitWithTheRightVerdict() {
        JsonNode ok = alice.run(python("print(sum(range(10)))"));
        assertEquals("OK", ok.get("verdict").asText());
        assertEquals("45", ok.get("run").get("stdout").asText().trim());

        JsonNode slow = alice.run(python("import time\nwhile True: time.sleep(1)"));
        assertEquals("TIME_LIMIT_EXCEEDED", slow.get("verdict").asText(), slow.toString());
        long wall = slow.get("run").get("wallTimeMs").asLong();
        assertTrue(wall >= 9_000 && wall < 15_000, "stopped at the 10 s wall limit, took " + wall);

        JsonNode greedy = alice.run(python("x = bytearray(512 * 1024 * 1024)\nprint(len(x))"));
        assertEquals("MEMORY_LIMIT_EXCEEDED", greedy.get("verdict").asText(), greedy.toString());

        JsonNode chatty = alice.run(python("while True: print('x' * 1000)"));
        assertEquals("OUTPUT_LIMIT_EXCEEDED", chatty.get("verdict").asText());
        int kept = chatty.get("run").get("stdout").asText().getBytes(StandardCharsets.UTF_8).length;
        assertEquals(ONE_MB, kept, "output kept exactly up to the limit");
        assertTrue(chatty.get("run").get("stdoutTruncated").asBoolean());
    }

    @Test
    void filesAreSavedListedLoadedAndDeleted() {
        JsonNode session = alice.createSession(obj("template", "python"));
        String base = "/api/v1/sessions/" + session.get("id").asText();
        try {
            Await.upTo(Duration.ofSeconds(60)).until(() -> alice.get(base).json().get("state").asText().equals("RUNNING"));
            byte[] solution = "def two_sum(a, t):\n    return [0, 1]\n".getBytes(StandardCharsets.UTF_8);
            Gateway.ok(alice.put(base + "/files/solutions/two_sum.py", solution, "application/octet-stream"));
            JsonNode listing = Gateway.ok(alice.get(base + "/files?path=solutions")).json();
            JsonNode saved = null;
            for (JsonNode e : listing.get("entries")) {
                if (e.get("path").asText().equals("solutions/two_sum.py")) {
                    saved = e;
                }
            }
            assertNotNull(saved, "the saved file is listed: " + listing);
            assertEquals("file", saved.get("type").asText(), listing.toString());
            assertEquals(solution.length, saved.get("size").asLong(), listing.toString());
            assertEquals(new String(solution, StandardCharsets.UTF_8), alice.get(base + "/files/solutions/two_sum.py").text());
            Gateway.ok(alice.delete(base + "/files/solutions/two_sum.py"));
            assertEquals(404, alice.get(base + "/files/solutions/two_sum.py").status());
        } finally {
            alice.delete(base);
        }
    }
}
