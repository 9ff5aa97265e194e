package dev.playground.e2e;

import static dev.playground.e2e.Gateway.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scenario 3: a workspace IDE: a multi-file Node project, a real npm install, then the idle reaper. */
class S3WorkspaceIdeTest {

    @Test
    void aProjectIsSyncedInstallsFromTheRegistryRunsAndIsReapedWhenIdle() {
        Gateway alice = Gateway.as("e2e-alice");
        JsonNode session = alice.createSession(obj("template", "node", "idleTimeoutMinutes", 1));
        String id = session.get("id").asText();
        String base = "/api/v1/sessions/" + id;
        Await.upTo(Duration.ofSeconds(60)).until(() -> alice.get(base).json().get("state").asText().equals("RUNNING"));

        Gateway.ok(alice.post(base + "/files:sync", List.of(
                obj("path", "package.json", "content", "{\"name\":\"ide-demo\",\"version\":\"1.0.0\",\"private\":true}",
                        "encoding", "utf8"),
                obj("path", "src/index.js", "content",
                        "const describe = require('./lib/describe');\nconsole.log(describe(7));\n", "encoding", "utf8"),
                obj("path", "src/lib/describe.js", "content",
                        // base64 on purpose: the sync API takes both encodings
                        java.util.Base64.getEncoder().encodeToString(
                                "const isOdd = require('is-odd');\nmodule.exports = n => `${n} is ${isOdd(n) ? 'odd' : 'even'}`;\n"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        "encoding", "base64"))));

        Gateway.Reply install = alice.post(base + "/packages", obj("manager", "npm", "packages", List.of("is-odd@3.0.1")),
                Duration.ofMinutes(6));
        Gateway.ok(install);
        assertEquals(0, install.json().path("exitCode").asInt(-1), "npm install: " + install);

        JsonNode run = alice.exec(id, "node src/index.js");
        assertEquals("7 is odd", run.get("stdout").asText().trim(), run.toString());

        JsonNode tree = Gateway.ok(alice.get(base + "/files?path=")).json();
        java.util.Map<String, String> types = new java.util.HashMap<>();
        tree.get("entries").forEach(e -> types.put(e.get("path").asText(), e.get("type").asText()));
        assertEquals("file", types.get("src/lib/describe.js"), tree.toString());
        assertEquals("directory", types.get("node_modules/is-odd"), "the installed package is in the workspace");

        // No activity from here on: the idle timeout (1 minute) stops it.
        String state = Await.value(Duration.ofMinutes(3), () -> alice.get(base).json().get("state").asText(),
                s -> s.equals("EXPIRED") || s.equals("STOPPED"));
        assertEquals("EXPIRED", state);
        assertTrue(Host.runningContainers("playground.id", id).isEmpty(), "an expired session's container is stopped");
        alice.delete(base);
    }
}
