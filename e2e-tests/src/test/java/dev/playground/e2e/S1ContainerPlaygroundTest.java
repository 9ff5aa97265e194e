package dev.playground.e2e;

import static dev.playground.e2e.Gateway.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scenario 1: a container playground, as a "web app in the browser" frontend drives it. */
class S1ContainerPlaygroundTest {

    static final String SERVER = """
            const http = require('http');
            http.createServer((req, res) => {
              res.writeHead(200, {'Content-Type': 'text/plain'});
              res.end('hello from the session at ' + req.url);
            }).listen(3000, '0.0.0.0');
            """;

    @Test
    void aNodeServerIsWrittenStartedPreviewedStoppedRestartedAndDeleted() {
        Gateway alice = Gateway.as("e2e-alice");
        JsonNode created = alice.createSession(obj("template", "node", "ports", List.of(3000)));
        String id = created.get("id").asText();
        String base = "/api/v1/sessions/" + id;
        Await.upTo(Duration.ofSeconds(60)).until(() -> alice.get(base).json().get("state").asText().equals("RUNNING"));

        Gateway.ok(alice.put(base + "/files/server.js", SERVER.getBytes(StandardCharsets.UTF_8), "application/octet-stream"));
        JsonNode started = alice.exec(id, "nohup node server.js > /tmp/server.log 2>&1 &");
        assertEquals(0, started.get("exitCode").asInt(), started.toString());

        JsonNode session = alice.get(base).json();
        String previewUrl = session.get("ports").get(0).get("previewUrl").asText();
        assertEquals(3000, session.get("ports").get(0).get("port").asInt());
        // The preview URL works without the API key, as in a browser iframe.
        Gateway.Reply page = Await.value(Duration.ofSeconds(30), () -> Gateway.browse(previewUrl), r -> r.status() == 200);
        assertTrue(page.text().startsWith("hello from the session at /"), page.text());

        JsonNode ls = alice.exec(id, "ls");
        assertTrue(ls.get("stdout").asText().contains("server.js"), ls.toString());
        assertEquals("node", session.get("template").asText());

        Gateway.ok(alice.post(base + "/stop", obj()));
        assertEquals("STOPPED", alice.get(base).json().get("state").asText());
        assertTrue(Host.runningContainers("playground.id", id).isEmpty(), "a stopped session has no running container");

        Gateway.ok(alice.post(base + "/start", obj()));
        Await.upTo(Duration.ofSeconds(60)).until(() -> alice.get(base).json().get("state").asText().equals("RUNNING"));
        Gateway.Reply file = alice.get(base + "/files/server.js");
        assertEquals(SERVER, file.text(), "the workspace survives stop and start");

        Gateway.ok(alice.delete(base));
        Await.upTo(Duration.ofSeconds(30)).until(() -> Host.containers("playground.id", id).isEmpty()
                && Host.volumes("playground.id", id).isEmpty());
        int after = alice.get(base).status();
        assertTrue(after == 404 || "DELETED".equals(alice.get(base).json().path("state").asText()),
                "a deleted session is gone or marked DELETED, got " + after);
        assertFalse(alice.get(base + "/files/server.js").status() == 200, "a deleted session serves no files");
    }
}
