package dev.playground.e2e.hosts;

import static dev.playground.e2e.Gateway.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playground.e2e.Gateway;
import dev.playground.e2e.Host;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The stack of {@code ./playground up --hosts 2}: two sandbox hosts (Docker-in-Docker nodes reached over mutual TLS),
 * two instances of every service behind the load balancer. Work spreads over both hosts; then one host and one
 * executor die mid-load, and the rest of the system keeps serving, loses nothing, and takes the host back.
 * Runs only in hosts mode (the e2e-tests profile {@code hosts}, which {@code ./playground test} runs after the rest).
 */
class H1SandboxHostsTest {

    static final List<String> HOSTS = List.of("sandbox-host-1", "sandbox-host-2");
    final Gateway alice = Gateway.as("e2e-alice");
    final Gateway bob = Gateway.as("e2e-bob");

    @Test
    void workSpreadsOverBothHostsAndAHostThatDiesMidLoadLosesNothing() throws Exception {
        // A clean slate for these two keys (an earlier run's sessions would weigh on placement and their limits).
        for (Gateway who : List.of(alice, bob)) {
            who.get("/api/v1/sessions").json().forEach(s -> Gateway.ok(who.delete("/api/v1/sessions/" + s.get("id").asText())));
        }

        // Sessions go to the host with the most room: four alike land two and two.
        Map<String, Gateway> owners = new HashMap<>();
        Map<String, String> hostOf = new HashMap<>();
        for (Gateway who : List.of(alice, alice, bob, bob)) {
            JsonNode s = who.createSession(obj("template", "python"));
            String id = s.get("id").asText();
            owners.put(id, who);
            hostOf.put(id, s.get("host").asText());
            Gateway.ok(who.put("/api/v1/sessions/" + id + "/files/notes.txt", bytes("kept on " + hostOf.get(id)),
                    "application/octet-stream"));
        }
        assertEquals(Set.copyOf(HOSTS), new HashSet<>(hostOf.values()), "sessions spread over both hosts: " + hostOf);

        // Fresh runs at concurrency 8 on both hosts, through both gateways.
        Map<String, Double> freshBefore = freshRunsByHost();
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<CompletableFuture<JsonNode>> runs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Gateway who = i % 2 == 0 ? alice : bob;
                runs.add(CompletableFuture.supplyAsync(() -> runUntilAdmitted(who, "print(6*7)"), pool));
            }
            for (var r : runs) {
                assertEquals("OK", r.get().path("verdict").asText(), r.get().toString());
            }
        }
        Map<String, Double> freshAfter = freshRunsByHost();
        for (String h : HOSTS) {
            assertTrue(freshAfter.getOrDefault(h, 0.0) > freshBefore.getOrDefault(h, 0.0),
                    "fresh runs spread over both hosts: " + freshBefore + " -> " + freshAfter);
        }
        // A run in each session, on its own host.
        owners.forEach((id, who) -> assertEquals("kept on " + hostOf.get(id) + "\n",
                who.run(obj("language", "python", "sessionId", id, "code", "print(open('notes.txt').read())"))
                        .path("run").path("stdout").asText()));

        // Load in flight: runs that sleep, some on each host.
        List<String> inFlight = new ArrayList<>();
        Map<String, Gateway> runOwner = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            Gateway who = i % 2 == 0 ? alice : bob;
            JsonNode accepted = who.submit(obj("language", "python",
                    "code", "import time\nprint('started', flush=True)\ntime.sleep(8)\nprint('done')"));
            inFlight.add(accepted.get("id").asText());
            runOwner.put(accepted.get("id").asText(), who);
        }
        Thread.sleep(1500);

        // sandbox-host-2 and executor-service-2 die at once (SIGKILL); the executor is started again, as an orchestrator would.
        Host.docker("kill", Host.stackContainer("sandbox-host-2"));
        Host.docker("kill", Host.stackContainer("executor-service-2"));
        long died = System.nanoTime();
        Host.docker("start", Host.stackContainer("executor-service-2"));

        // New sessions and runs go to the surviving host within seconds.
        JsonNode fresh = until(Duration.ofSeconds(30), () -> {
            Gateway.Reply r = alice.post("/api/v1/sessions", obj("template", "python"));
            return r.status() == 201 ? r.json() : null;
        });
        assertEquals("sandbox-host-1", fresh.get("host").asText());
        owners.put(fresh.get("id").asText(), alice);
        hostOf.put(fresh.get("id").asText(), "sandbox-host-1");
        JsonNode served = until(Duration.ofSeconds(30), () -> {
            JsonNode r = runUntilAdmitted(bob, "print(6*7)");
            return "OK".equals(r.path("verdict").asText()) ? r : null;
        });
        assertEquals("42\n", served.path("run").path("stdout").asText());
        System.out.printf("served again %d ms after the host died%n", (System.nanoTime() - died) / 1_000_000);

        // Every run in flight ends with COMPLETED; those the dead host held as INTERNAL_ERROR with a reason. None hangs.
        for (String id : inFlight) {
            JsonNode done = until(Duration.ofMinutes(2), () -> {
                JsonNode e = runOwner.get(id).get("/api/v1/executions/" + id).json();
                return "COMPLETED".equals(e.path("status").asText()) ? e : null;
            });
            String verdict = done.path("verdict").asText();
            assertTrue(verdict.equals("OK") || verdict.equals("INTERNAL_ERROR"), done.toString());
            if (verdict.equals("INTERNAL_ERROR")) {
                assertTrue(!done.path("message").asText().isBlank(), "an INTERNAL_ERROR says why: " + done);
            }
        }

        // Operators see it in the aggregated health: the host is DOWN, the other UP.
        waitFor(Duration.ofSeconds(30), () -> "DOWN".equals(Gateway.anonymous().get("/api/v1/health").json()
                .path("services").path("session-service").path("sandboxHosts").path("sandbox-host-2").asText()));
        assertEquals("UP", Gateway.anonymous().get("/api/v1/health").json().path("services").path("session-service")
                .path("sandboxHosts").path("sandbox-host-1").asText());

        // The dead host's sessions are LOST; the surviving host's run on, files and all.
        for (var e : hostOf.entrySet()) {
            String id = e.getKey();
            Gateway who = owners.get(id);
            if (e.getValue().equals("sandbox-host-2")) {
                waitFor(Duration.ofSeconds(60), () -> "LOST".equals(state(who, id)));
                assertEquals(503, who.get("/api/v1/sessions/" + id + "/files/notes.txt").status());
            } else {
                assertEquals("RUNNING", state(who, id));
                if (!id.equals(fresh.get("id").asText())) {
                    assertEquals("kept on sandbox-host-1", who.get("/api/v1/sessions/" + id + "/files/notes.txt").text());
                }
            }
        }

        // The host comes back: its sessions' containers died with it, their workspaces did not.
        Host.docker("start", Host.stackContainer("sandbox-host-2"));
        for (var e : hostOf.entrySet()) {
            if (!e.getValue().equals("sandbox-host-2")) {
                continue;
            }
            String id = e.getKey();
            Gateway who = owners.get(id);
            waitFor(Duration.ofMinutes(2), () -> "STOPPED".equals(state(who, id)));
            // The instance that moved the record saw the host back; the one that takes the start may not have reached
            // it yet (503 host-unavailable, "can be started once the host is back"): a user tries again, so does this.
            Gateway.Reply started = until(Duration.ofSeconds(30), () -> {
                Gateway.Reply r = who.post("/api/v1/sessions/" + id + "/start", obj());
                return r.status() == 503 && r.text().contains("host-unavailable") ? null : r;
            });
            Gateway.ok(started);
            assertEquals("RUNNING", state(who, id));
            assertEquals("kept on sandbox-host-2", who.get("/api/v1/sessions/" + id + "/files/notes.txt").text());
        }

        // Records and containers agree on both hosts: no sandbox left, no session container without its record.
        waitFor(Duration.ofMinutes(2), () -> HOSTS.stream().allMatch(h -> onHost(h, "execution").isEmpty()));
        // (a record goes first, its container next: what a host that was down kept, the reconciler removes once it
        // answers, within a reconcile interval)
        try {
            waitFor(Duration.ofSeconds(90), () -> HOSTS.stream().allMatch(h -> withoutRecord(h, alice, bob).isEmpty()));
        } catch (AssertionError timedOut) {
            for (String h : HOSTS) {
                Set<String> orphans = withoutRecord(h, alice, bob);
                assertTrue(orphans.isEmpty(), "session containers on " + h + " without a record: " + orphans);
            }
            throw timedOut;
        }
        owners.forEach((id, who) -> Gateway.ok(who.delete("/api/v1/sessions/" + id)));
    }

    private static JsonNode runUntilAdmitted(Gateway who, String code) {
        // 429: this principal's other runs first (share-exceeded), or its budget of the minute, spent by the scenarios
        // before this one (rate-limited): a refused request costs nothing, so asking again is fine.
        return until(Duration.ofMinutes(2), () -> {
            Gateway.Reply r = who.post("/api/v1/executions?wait=true", obj("language", "python", "code", code));
            return r.status() == 200 ? r.json() : null;
        });
    }

    private static String state(Gateway who, String id) {
        return who.get("/api/v1/sessions/" + id).json().path("state").asText();
    }

    /**
     * Fresh runs each sandbox host has served, as both executors count them: every fresh run asks its host's warm pool
     * for a sandbox ({@code playground.pool.hits} and {@code misses}, tagged with the host).
     */
    private static Map<String, Double> freshRunsByHost() {
        Map<String, Double> byHost = new HashMap<>();
        var tagged = java.util.regex.Pattern.compile("playground_pool_(hits|misses)_total\\{.*host=\"([^\"]+)\".*");
        for (String executor : Host.instances("executor-service")) {
            Host.playgroundMetrics(executor).forEach((name, value) -> {
                var m = tagged.matcher(name);
                if (m.matches()) {
                    byHost.merge(m.group(2), value, Double::sum);
                }
            });
        }
        return byHost;
    }

    /** Ids of the session containers on {@code host} that neither a session of these principals nor the pool owns. */
    private static Set<String> withoutRecord(String host, Gateway... principals) {
        Set<String> sessions = new HashSet<>();
        for (String c : onHost(host, "session")) {
            sessions.add(Host.docker("exec", Host.stackContainer(host), "docker", "inspect", "-f",
                    "{{index .Config.Labels \"playground.id\"}}", c));
        }
        for (Gateway who : principals) {
            who.get("/api/v1/sessions").json().forEach(r -> sessions.remove(r.get("id").asText()));
        }
        sessions.removeAll(Host.pooledSessions());
        return sessions;
    }

    /** Containers of a kind (execution, session) of this stack on a sandbox host's engine. */
    private static List<String> onHost(String host, String kind) {
        String out = Host.docker("exec", Host.stackContainer(host), "docker", "ps", "-aq", "--filter",
                "label=playground.instance=compose", "--filter", "label=playground.kind=" + kind);
        return out.isBlank() ? List.of() : List.of(out.split("\n"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T until(Duration patience, java.util.function.Supplier<T> attempt) {
        long end = System.nanoTime() + patience.toNanos();
        while (true) {
            T value = attempt.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("nothing within " + patience);
            }
            sleep(500);
        }
    }

    private static void waitFor(Duration patience, BooleanSupplier condition) {
        until(patience, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
