package dev.playground.e2e;

import static dev.playground.e2e.Gateway.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Scenario 5: an interactive run: the program asks, the page prompts, the user types, the program answers. */
class S5InteractiveRunTest {

    @Test
    void aProgramAsksForANameAndGreetsIt() throws Exception {
        Gateway alice = Gateway.as("e2e-alice");
        Gateway.Reply accepted = alice.post("/api/v1/executions", obj("language", "python", "interactive", true,
                "code", "name = input('Name? ')\nprint(f'Hello, {name}!')"));
        assertEquals(202, accepted.status(), accepted.toString());
        String id = accepted.json().get("id").asText();

        StringBuilder stdout = new StringBuilder();
        boolean asked = false;
        JsonNode completed = null;
        try (Socket ws = alice.websocket("/api/v1/executions/" + id + "/stream")) {
            while (completed == null) {
                Socket.Frame f = ws.next(Duration.ofSeconds(30));
                assertTrue(!f.isClose(), "stream closed early: " + f);
                JsonNode event = Gateway.JSON.readTree(f.text());
                switch (event.get("type").asText()) {
                    case "STDOUT" -> stdout.append(event.get("data").asText());
                    case "INPUT_REQUIRED" -> {
                        if (!asked) {
                            asked = true;
                            ws.sendText("{\"type\":\"stdin\",\"data\":\"Ada\\n\"}");
                        }
                    }
                    case "COMPLETED" -> completed = event;
                    default -> { }
                }
            }
        }
        assertTrue(asked, "the stream said the program was waiting for input");
        assertTrue(stdout.toString().contains("Name? "), stdout.toString());
        assertTrue(stdout.toString().contains("Hello, Ada!"), stdout.toString());
        assertEquals("OK", completed.get("result").get("verdict").asText());
    }
}
