package dev.playground.e2e;

import static dev.playground.e2e.Gateway.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Scenario 6: abuse. Whatever strangers send, the system answers clearly, keeps users apart and stays up. */
class S6AbuseTest {

    final Gateway alice = Gateway.as("e2e-alice");
    final Gateway bob = Gateway.as("e2e-bob");

    @Test
    void aFloodHitsTheRateLimitAndRecovers() throws Exception {
        Gateway flood = Gateway.as("e2e-flood");
        Gateway.Reply limited = null;
        for (int i = 0; i < 2000 && limited == null; i++) {
            Gateway.Reply r = flood.get("/api/v1/runtimes");
            if (r.status() == 429) {
                limited = r;
            } else {
                assertEquals(200, r.status(), r.toString());
            }
        }
        assertNotNull(limited, "2000 quick requests never met the rate limit");
        Gateway.problem(limited, 429, "rate-limited");
        String retryAfterHeader = limited.header("Retry-After");
        assertTrue(retryAfterHeader != null && retryAfterHeader.matches("\\d+"),
                "Retry-After is a whole number of seconds: " + retryAfterHeader);
        long retryAfter = Long.parseLong(retryAfterHeader);
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertTrue(limited.header("RateLimit-Policy").matches("\\d+;w=60"), limited.header("RateLimit-Policy"));
        Thread.sleep(retryAfter * 1000 + 200);
        assertEquals(200, flood.get("/api/v1/runtimes").status(), "served again after Retry-After");
        assertEquals(200, alice.get("/api/v1/runtimes").status(), "another principal was never limited");
    }

    @Test
    void oversizedMalformedAndUnauthenticatedRequestsAreRefusedClearly() {
        String big = "x".repeat(12 * 1024 * 1024);
        Gateway.problem(alice.post("/api/v1/executions", obj("language", "python", "code", big)), 413, "too-large");
        Gateway.problem(alice.raw("POST", "/api/v1/executions", "{\"language\": ".getBytes(StandardCharsets.UTF_8),
                "application/json"), 400, "invalid-json");
        Gateway.problem(alice.raw("POST", "/api/v1/executions", "print(1)".getBytes(StandardCharsets.UTF_8),
                "text/plain"), 415, "unsupported-media-type");
        Gateway.problem(alice.post("/api/v1/executions", obj("language", "cobol-1959", "code", "x")), 422);
        Gateway.problem(alice.post("/api/v1/executions", obj("language", "python", "code", "",
                "limits", obj("memoryMb", -5))), 422);
        Gateway.problem(alice.post("/api/v1/executions", obj("language", "python",
                "files", List.of(obj("name", "main.py", "content", "%%%not-base64%%%", "encoding", "base64")))), 422);
        Gateway.problem(Gateway.anonymous().get("/api/v1/sessions"), 401, "unauthenticated");
        Gateway.Reply wrongKey = Gateway.send(Gateway.anonymous().request("/api/v1/sessions")
                .header("Authorization", "Bearer pg_not_a_key").GET());
        Gateway.problem(wrongKey, 401, "unauthenticated");
        // A forged principal header from outside is ignored: the key decides who you are.
        Gateway.Reply forged = Gateway.send(bob.request("/api/v1/sessions").header("X-Playground-Principal", "e2e-alice").GET());
        assertEquals(200, forged.status());
    }

    @Test
    void anotherKeySeesNothingOfTheFirst() {
        JsonNode session = alice.createSession(obj("template", "python"));
        String id = session.get("id").asText();
        String base = "/api/v1/sessions/" + id;
        try {
            Await.upTo(Duration.ofSeconds(60)).until(() -> alice.get(base).json().get("state").asText().equals("RUNNING"));
            Gateway.ok(alice.put(base + "/files/secret.txt", "alice's".getBytes(StandardCharsets.UTF_8), "application/octet-stream"));
            String execution = alice.run(obj("language", "python", "code", "print('mine')")).get("id").asText();

            for (Gateway.Reply r : List.of(bob.get(base), bob.get(base + "/files/secret.txt"), bob.get(base + "/files?path="),
                    bob.post(base + "/stop", obj()), bob.post(base + "/exec", obj("command", "ls", "timeoutMs", 1000)),
                    bob.delete(base), bob.get("/api/v1/executions/" + execution),
                    bob.post("/api/v1/executions/" + execution + "/cancel", obj()),
                    bob.post("/api/v1/executions?wait=true", obj("language", "python", "code", "print(1)", "sessionId", id)))) {
                Gateway.problem(r, 404, "not-found");
            }
            assertFalse(ids(Gateway.ok(bob.get("/api/v1/sessions")).json()).contains(id), "bob's list has no alice session");
            assertFalse(ids(Gateway.ok(bob.get("/api/v1/executions")).json()).contains(execution),
                    "bob's history has no alice execution");
            try (Socket term = bob.websocket(base + "/terminal")) {
                Socket.Frame f = term.next(Duration.ofSeconds(10));
                assertTrue(f.isClose(), "bob's terminal into alice's session is closed at once, got " + f);
            } catch (java.util.concurrent.CompletionException refusedUpgrade) {
                // refused before the upgrade: also right
            }
            String preview = Gateway.URL.replace("localhost", id + "-3000.preview.localhost") + "/";
            assertNotEquals(200, Gateway.browse(preview).status(), "no preview without alice's token");
            assertEquals("RUNNING", alice.get(base).json().get("state").asText(), "nothing bob did changed alice's session");
        } finally {
            alice.delete(base);
        }
    }

    @Test
    void hostileProgramsAreContainedWhileANormalRunCompletes() throws Exception {
        Map<String, String> hostile = Map.of(
                "fork bomb", "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
                "memory bomb", "x = []\nwhile True:\n    x.append(bytearray(16 * 1024 * 1024))",
                "output flood", "import sys\nwhile True:\n    sys.stdout.write('y' * 65536)",
                "disk fill", "f = open('/tmp/fill', 'wb')\nwhile True:\n    f.write(b'z' * (1 << 20))",
                "network", "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=3)\nprint('escaped')");
        Map<String, String> expected = Map.of(
                "fork bomb", "TIME_LIMIT_EXCEEDED", "memory bomb", "MEMORY_LIMIT_EXCEEDED",
                "output flood", "OUTPUT_LIMIT_EXCEEDED", "disk fill", "RUNTIME_ERROR", "network", "RUNTIME_ERROR");
        var runs = hostile.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e ->
                CompletableFuture.supplyAsync(() -> alice.run(obj("language", "python", "code", e.getValue(),
                        "limits", obj("wallTimeMs", 5_000, "cpuTimeMs", 3_000, "memoryMb", 128))))));
        JsonNode normal = alice.run(obj("language", "c", "code", HelloWorlds.CODE.get("c")));
        assertEquals("OK", normal.get("verdict").asText(), "a normal run completes meanwhile: " + normal);
        for (var e : runs.entrySet()) {
            JsonNode result = e.getValue().get();
            assertEquals(expected.get(e.getKey()), result.get("verdict").asText(), e.getKey() + ": " + result);
            assertFalse(result.get("run").path("stdout").asText().contains("escaped"), e.getKey());
        }
        Await.upTo(Duration.ofSeconds(20)).until(() -> Host.runSandboxes(null, false).isEmpty());
    }

    @Test
    void aSessionThatFillsItsWorkspaceIsStoppedWhileAnotherKeepsRunning() {
        String filler = alice.createSession(obj("template", "python", "limits", obj("diskMb", 32))).get("id").asText();
        String other = bob.createSession(obj("template", "python")).get("id").asText();
        try {
            for (var who : Map.of(alice, filler, bob, other).entrySet()) {
                Await.upTo(Duration.ofSeconds(60)).until(() -> who.getKey().get("/api/v1/sessions/" + who.getValue())
                        .json().get("state").asText().equals("RUNNING"));
            }
            // 64 MB in files of 8 MB each: every one under the per-file limit, together twice the workspace limit.
            JsonNode fill = alice.exec(filler, "for i in 1 2 3 4 5 6 7 8; do head -c 8M /dev/zero > f$i; done; echo done");
            assertEquals("done", fill.get("stdout").asText().trim(), fill.toString());
            JsonNode stopped = Await.value(Duration.ofSeconds(90), () -> alice.get("/api/v1/sessions/" + filler).json(),
                    s -> s.get("state").asText().equals("STOPPED"));
            assertTrue(stopped.path("stopReason").asText().contains("over its 32 MB disk limit"), stopped.toString());
            assertTrue(Host.runningContainers("playground.id", filler).isEmpty(), "the filler's container is stopped");
            assertEquals("RUNNING", bob.get("/api/v1/sessions/" + other).json().get("state").asText(),
                    "another user's session is untouched");
            assertEquals("ok", bob.exec(other, "echo ok").get("stdout").asText().trim());
        } finally {
            alice.delete("/api/v1/sessions/" + filler);
            bob.delete("/api/v1/sessions/" + other);
        }
    }

    @Test
    void symlinksCannotLeadTheFileApiOutOfTheWorkspace() {
        JsonNode session = alice.createSession(obj("template", "python"));
        String base = "/api/v1/sessions/" + session.get("id").asText();
        try {
            Await.upTo(Duration.ofSeconds(60)).until(() -> alice.get(base).json().get("state").asText().equals("RUNNING"));
            alice.exec(session.get("id").asText(), "ln -s /etc/passwd leak && ln -s / root && ln -s /tmp outside");
            for (String path : List.of("leak", "root/etc/passwd", "outside/x")) {
                Gateway.Reply read = alice.get(base + "/files/" + path);
                assertTrue(read.status() >= 400 && read.status() < 500, path + " read answered " + read.status());
                assertFalse(read.text().contains("root:x:0:0"), "host or container file leaked through " + path);
            }
            Gateway.Reply write = alice.put(base + "/files/outside/planted", "x".getBytes(StandardCharsets.UTF_8),
                    "application/octet-stream");
            assertTrue(write.status() >= 400 && write.status() < 500, "write through a symlink answered " + write.status());
            Gateway.Reply traversal = alice.get(base + "/files/..%2F..%2Fetc%2Fpasswd");
            assertTrue(traversal.status() >= 400 && traversal.status() < 500, "traversal answered " + traversal);
            assertFalse(traversal.text().contains("root:x:0:0"));
        } finally {
            alice.delete(base);
        }
    }

    /** The ids of a list answer (a JSON array of sessions or executions). */
    private static List<String> ids(JsonNode list) {
        assertTrue(list.isArray(), "a list answer is a JSON array: " + list);
        List<String> ids = new java.util.ArrayList<>();
        list.forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }
}
