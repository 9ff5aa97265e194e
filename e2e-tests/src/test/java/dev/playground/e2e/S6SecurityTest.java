package dev.playground.e2e;

import static dev.playground.e2e.Gateway.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The attacks of the security issue, each tried as written through the gateway (or, where the attacker is inside the
 * network, from a container on it), asserting that it fails and that the legitimate use next to it still works.
 */
class S6SecurityTest {

    private final Gateway alice = Gateway.as("e2e-alice");
    private final Gateway bob = Gateway.as("e2e-bob");

    private static String awaitRunning(Gateway who, String id) {
        Await.upTo(Duration.ofSeconds(60)).until(() -> who.get("/api/v1/sessions/" + id).json().path("state").asText()
                .equals("RUNNING"));
        return id;
    }

    /** 1. Workspace code in the package installer, which had a network. */
    @Test
    void workspaceCodeNeverRunsWhereARegistryCanBeReached() {
        String id = awaitRunning(alice, alice.createSession(obj("template", "python")).get("id").asText());
        String base = "/api/v1/sessions/" + id;
        try {
            String phoneHome = "import socket\nfound = []\nfor host, port in (('egress-proxy', 3128), ('1.1.1.1', 80)):\n"
                    + "    try:\n        socket.create_connection((host, port), timeout=3).close()\n"
                    + "        found.append('reached ' + host)\n    except OSError:\n        found.append('blocked ' + host)\n"
                    + "open('/workspace/phoned-home.txt', 'a').write(' '.join(found) + '\\n')\n";
            Gateway.ok(alice.post(base + "/files:sync", List.of(
                    Map.of("path", "pip/__init__.py", "content", ""),
                    Map.of("path", "pip/__main__.py", "content", phoneHome),
                    Map.of("path", ".local/lib/python3.13/site-packages/zz.pth",
                            "content", "import os; exec(open('/workspace/pip/__main__.py').read())\n"))));
            // PyPI is not reachable from this machine: the download (in a clean container, through the proxy) says so
            // within the timeout, and the user's pip never ran anywhere a registry could be reached.
            long started = System.nanoTime();
            JsonNode problem = Gateway.problem(alice.post(base + "/packages", obj("manager", "pip", "packages",
                    List.of("six")), Duration.ofMinutes(6)), 502);
            assertTrue(problem.get("type").asText().endsWith("/registry-unreachable"), problem.toString());
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(60)) < 0);
            String phoned = alice.exec(id, "cat /workspace/phoned-home.txt 2>/dev/null; true").get("stdout").asText();
            assertFalse(phoned.contains("reached"), phoned);
            // The legitimate use next to it: a real npm install into a session keeps working (S3 installs one too).
        } finally {
            alice.delete(base);
        }
    }

    /**
     * 1b. The egress proxy is an allow-list: registries yes; the host, private ranges, metadata, other names no. Every
     * sandbox host has its own download network and proxy (hosts mode), each checked from that host.
     */
    @Test
    void theEgressProxyLetsOutOnlyToTheRegistries() {
        String script = "import urllib.request, urllib.error\n"
                + "proxy = urllib.request.ProxyHandler({'http': 'http://egress-proxy:3128', 'https': 'http://egress-proxy:3128'})\n"
                + "open_ = urllib.request.build_opener(proxy).open\n"
                + "for url in ['https://registry.npmjs.org/is-odd', 'http://169.254.169.254/latest/meta-data/',"
                + " 'http://172.17.0.1:8080/api/v1/health', 'http://gateway-service:8080/api/v1/health',"
                + " 'http://10.0.0.1/', 'http://example.com/', 'http://127.0.0.1:3128/']:\n"
                + "    try:\n        open_(url, timeout=15).read(10)\n        print('open', url)\n"
                + "    except urllib.error.HTTPError as e:\n        print('status', e.code, url)\n"
                + "    except Exception as e:\n        print('failed', url, type(e).__name__)\n";
        for (Host.Engine engine : Host.sandboxEngines()) {
            String out = engine.docker("run", "--rm", "--network", "playground-egress", "--user", "1000:1000",
                    "--cap-drop", "ALL", "-v", "/etc/ssl/certs/ca-certificates.crt:/ca.pem:ro", "-e", "SSL_CERT_FILE=/ca.pem",
                    "playground/runtime-python:latest", "python3", "-c", script);
            assertTrue(out.contains("open https://registry.npmjs.org/is-odd"), engine + ": " + out);
            for (String denied : List.of("169.254.169.254", "172.17.0.1", "gateway-service", "10.0.0.1", "example.com",
                    "127.0.0.1")) {
                assertTrue(out.lines().anyMatch(l -> l.contains(denied) && (l.startsWith("status 403")
                        || l.startsWith("failed"))), engine + ": " + denied + " must be refused: " + out);
            }
            // Without the proxy there is no way out at all from the download network, not even to the host.
            String hostSide = engine.docker("network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}",
                    "playground-egress");
            String direct = engine.docker("run", "--rm", "--network", "playground-egress",
                    "playground/runtime-python:latest", "python3", "-c", "import socket\nfor h, p in (('1.1.1.1', 80), ('"
                            + hostSide + "', 8080), ('" + hostSide + "', 22)):\n    try:\n"
                            + "        socket.create_connection((h, p), timeout=3)\n"
                            + "        print('reached', h)\n    except OSError:\n        print('blocked', h)");
            assertFalse(direct.contains("reached"), engine + ": " + direct);
        }
    }

    /** 2. Sessions reached each other over the shared preview network. */
    @Test
    void aSessionReachesNoOtherSessionNoServiceAndNoGateway() throws Exception {
        String target = awaitRunning(alice, alice.createSession(obj("template", "node", "ports", List.of(3000)))
                .get("id").asText());
        String attacker = awaitRunning(bob, bob.createSession(obj("template", "python", "ports", List.of(3000)))
                .get("id").asText());
        try {
            alice.exec(target, "cat > s.js <<'EOF'\nrequire('http').createServer((q, s) => s.end('alice secret'))"
                    + ".listen(3000)\nEOF\nnohup node s.js > /tmp/s.log 2>&1 &");
            JsonNode probe = bob.exec(attacker, "ls /sys/class/net; python3 - <<'EOF'\nimport socket\n"
                    + "for host, port in (('gateway-service', 8080), ('session-service', 8080), ('kafka', 9092),"
                    + " ('172.17.0.1', 8080), ('172.18.0.2', 3000), ('10.0.0.2', 3000)):\n"
                    + "    try:\n        socket.create_connection((host, port), timeout=2)\n        print('reached', host)\n"
                    + "    except OSError:\n        print('blocked', host)\nEOF");
            String out = probe.get("stdout").asText();
            assertTrue(out.startsWith("lo\n"), "a session has only the loopback: " + out);
            assertFalse(out.contains("reached"), out);
            // The legitimate path next to it: alice's preview, through the gateway.
            String previewUrl = alice.get("/api/v1/sessions/" + target).json().get("ports").get(0).get("previewUrl").asText();
            Gateway.Reply page = Await.value(Duration.ofSeconds(30), () -> Gateway.browse(previewUrl),
                    r -> r.status() == 200);
            assertEquals("alice secret", page.text());
        } finally {
            alice.delete("/api/v1/sessions/" + target);
            bob.delete("/api/v1/sessions/" + attacker);
        }
    }

    /**
     * Sessions taken from the pool: one left something behind (a file, a /tmp entry, a process) for the next taker,
     * or two principals got the same container.
     */
    @Test
    void aPooledSessionIsMadeAheadAndNothingOfAnotherSessionIsInIt() throws Exception {
        Await.upTo(Duration.ofSeconds(90)).until(() -> Host.readyPooledSessions("playground/runtime-python:latest") >= 2);
        Thread.sleep(1500); // so a session from the pool is visibly older than the request that took it
        long asked = System.nanoTime();
        String first = alice.createSession(obj("template", "python")).get("id").asText();
        assertEquals("RUNNING", alice.get("/api/v1/sessions/" + first).json().get("state").asText(),
                "a pooled session is RUNNING in the answer to its POST");
        // its init started before the request was sent: the container was made ahead of demand
        JsonNode age = alice.exec(first, "echo $(( $(cut -d' ' -f1 /proc/uptime | tr -d .) - $(cut -d' ' -f22 /proc/1/stat) ))");
        double elapsed = (System.nanoTime() - asked) / 1e9;
        double initAge = Long.parseLong(age.get("stdout").asText().trim()) / 100.0;
        assertTrue(initAge > elapsed + 1.0, "init " + initAge + " s old, request " + elapsed + " s ago: not from the pool");

        // alice leaves a file, a /tmp entry and a process behind, then deletes the session
        alice.exec(first, "echo alice > left.txt; echo alice > /tmp/left; nohup sleep 1000 > /dev/null 2>&1 &");
        assertEquals("2\n", alice.exec(first, "grep -lx sleep /proc/[0-9]*/comm | wc -l").get("stdout").asText(),
                "alice's background sleep runs beside the container's own");
        Gateway.ok(alice.delete("/api/v1/sessions/" + first));

        // the next sessions, bob's and alice's own, come from the pool and hold nothing of it
        String forBob = awaitRunning(bob, bob.createSession(obj("template", "python")).get("id").asText());
        String again = awaitRunning(alice, alice.createSession(obj("template", "python")).get("id").asText());
        try {
            for (var taken : List.of(Map.entry(bob, forBob), Map.entry(alice, again))) {
                JsonNode seen = taken.getKey().exec(taken.getValue(),
                        "ls -A /workspace | wc -l; ls -A /tmp | wc -l; grep -lx sleep /proc/[0-9]*/comm | wc -l");
                assertEquals("0\n0\n1\n", seen.get("stdout").asText(),
                        "an empty workspace and /tmp, and only the container's own sleep: " + seen);
            }
            assertFalse(forBob.equals(again) || forBob.equals(first) || again.equals(first));
        } finally {
            bob.delete("/api/v1/sessions/" + forBob);
            alice.delete("/api/v1/sessions/" + again);
        }
    }

    /** 3. A preview on the API's origin could plant a service worker over it. */
    @Test
    void aPreviewIsServedOnItsOwnOriginOnlyWithACookieOfThatOrigin() {
        String id = awaitRunning(alice, alice.createSession(obj("template", "node", "ports", List.of(3000)))
                .get("id").asText());
        try {
            alice.exec(id, "cat > sw.js <<'EOF'\nrequire('http').createServer((q, s) => { s.setHeader("
                    + "'Service-Worker-Allowed', '/'); s.setHeader('Content-Type', 'text/javascript'); s.end('// sw') })"
                    + ".listen(3000)\nEOF\nnohup node sw.js > /tmp/s.log 2>&1 &");
            String previewUrl = alice.get("/api/v1/sessions/" + id).json().get("ports").get(0).get("previewUrl").asText();
            java.net.URI origin = java.net.URI.create(previewUrl);
            assertEquals(id + "-3000.preview.localhost", origin.getHost(), previewUrl);
            // The first visit trades the token for a cookie of that origin alone (no Domain), then drops the token.
            Gateway.Reply first = Await.value(Duration.ofSeconds(30), () -> Gateway.send(Gateway.toLoopback(origin, null)),
                    r -> r.status() == 302);
            String cookie = first.header("Set-Cookie");
            assertTrue(cookie.startsWith("pg_preview=") && !cookie.contains("Domain") && cookie.contains("HttpOnly")
                    && cookie.contains("Partitioned"), cookie);
            assertEquals("/", first.header("Location"));
            Gateway.Reply sw = Await.value(Duration.ofSeconds(30), () -> Gateway.browse(previewUrl.replace("/?", "/sw.js?")),
                    r -> r.status() == 200);
            assertEquals("/", sw.header("Service-Worker-Allowed"), "the server's header passes, on its own origin");
            // The API origin serves no preview at all, and a preview origin serves nothing of the API.
            Gateway.problem(alice.get("/preview/" + id + "/3000/sw.js"), 404);
            Gateway.Reply apiOnPreview = Gateway.browse(previewUrl.replace("/?token=", "/api/v1/runtimes?token="));
            assertFalse(apiOnPreview.text().contains("\"language\""), apiOnPreview.text());
        } finally {
            alice.delete("/api/v1/sessions/" + id);
        }
    }

    /** 4. A program wrote frames into its supervisor's output. */
    @Test
    void aProgramCannotWriteIntoItsSupervisorsOutputInASandboxOrInASession() {
        String forge = "import os, struct\nfor pid in sorted(p for p in os.listdir('/proc') if p.isdigit() "
                + "and int(p) != os.getpid()):\n    try:\n        fd = os.open('/proc/%s/fd/1' % pid, os.O_WRONLY)\n"
                + "        os.write(fd, b'o' + struct.pack('>I', 7) + b'FORGED\\n')\n"
                + "        os.write(fd, b'o' + struct.pack('>I', 2000000000))\n"
                + "        print('opened supervisor' if int(pid) == os.getppid() else 'opened', pid)\n"
                + "    except OSError as e:\n"
                + "        print('refused supervisor' if int(pid) == os.getppid() else 'refused', pid, e.errno)\n"
                + "print('done')\n";
        JsonNode fresh = alice.run(obj("language", "python", "code", forge));
        assertEquals("OK", fresh.get("verdict").asText(), fresh.toString());
        String out = fresh.get("run").get("stdout").asText();
        assertTrue(out.contains("refused supervisor 1 13") && out.endsWith("done\n"), out);
        assertFalse(out.contains("FORGED") || out.contains("opened"), out);

        String id = awaitRunning(alice, alice.createSession(obj("template", "python")).get("id").asText());
        try {
            JsonNode inSession = alice.run(obj("language", "python", "code", forge, "sessionId", id));
            assertEquals("OK", inSession.get("verdict").asText(), inSession.toString());
            String seen = inSession.get("run").get("stdout").asText();
            // In a session the supervisor is an exec, not PID 1: its descriptors are out of reach all the same. (The
            // session's own init belongs to the user; its output goes nowhere: session containers log nothing.)
            assertTrue(seen.contains("refused supervisor") && seen.endsWith("done\n"), seen);
            assertFalse(seen.contains("FORGED") || seen.contains("opened supervisor"), seen);
            // Every kind of container and exec runs as the non-root sandbox user without capabilities.
            String who = alice.exec(id, "id -u; grep CapEff /proc/self/status").get("stdout").asText();
            assertEquals("1000\nCapEff:\t0000000000000000\n", who);
            JsonNode run = alice.run(obj("language", "python", "sessionId", id, "code", "import os\nprint(os.getuid())\n"
                    + "print([l for l in open('/proc/self/status') if l.startswith('CapEff')][0], end='')"));
            assertEquals("1000\nCapEff:\t0000000000000000\n", run.get("run").get("stdout").asText(), "a run in a session");
        } finally {
            alice.delete("/api/v1/sessions/" + id);
        }
    }

    /** 5. A result larger than Kafka's default message never completed in the history. */
    @Test
    void aThreeMegabyteResultCompletesInTheAnswerTheHistoryAndTheStream() throws Exception {
        String code = "import sys\nfor i in range(3 * 1024):\n    sys.stdout.write('%07d' % i + 'x' * 1016 + '\\n')";
        JsonNode answer = alice.run(obj("language", "python", "code", code, "limits", Map.of("outputBytes", 8 << 20)));
        assertEquals("OK", answer.get("verdict").asText());
        String stdout = answer.get("run").get("stdout").asText();
        assertEquals(3 * 1024 * 1024, stdout.length());
        String id = answer.get("id").asText();
        JsonNode history = Await.value(Duration.ofSeconds(60), () -> alice.get("/api/v1/executions/" + id).json(),
                h -> h.path("status").asText().equals("COMPLETED"));
        assertEquals(stdout, history.get("run").get("stdout").asText(), "the history keeps the whole result");
        try (Socket stream = alice.websocket("/api/v1/executions/" + id + "/stream")) {
            JsonNode event;
            do {
                Socket.Frame f = stream.next(Duration.ofSeconds(60));
                assertFalse(f.isClose(), "the stream closed before COMPLETED: " + f);
                event = f.text() == null ? Gateway.JSON.nullNode() : Gateway.JSON.readTree(f.text());
            } while (!event.path("type").asText().equals("COMPLETED"));
            assertEquals(stdout, event.get("result").get("run").get("stdout").asText(), "the stream's COMPLETED too");
        }
    }

    /**
     * 5, at the largest limits and several at once: three runs printing 8 MB on stdout and 8 MB on stderr ended the
     * executor with OutOfMemoryError, and then session-service at every restart as it read their results again. Two
     * principals' runs at the server's largest output limit, two of them plain text and two printing control
     * characters (six bytes each in JSON): every one is answered and completes in the history, and no service
     * restarts.
     */
    @Test
    void runsAtTheLargestOutputLimitAtOnceCompleteAndNoServiceFalls() throws Exception {
        Map<String, String> restarts = new TreeMap<>();
        for (String service : List.of("executor-service", "session-service", "terminal-service")) {
            Host.instances(service).forEach(i -> restarts.put(i, restartCount(i)));
        }
        String text = "import sys\nb = b'a' * (8 << 20)\nsys.stdout.buffer.write(b)\nsys.stdout.flush()\n"
                + "sys.stderr.buffer.write(b)";
        String control = "import sys\nsys.stdout.buffer.write(b'\\x01' * (8 << 20))";
        List<CompletableFuture<JsonNode>> runs = new ArrayList<>();
        ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
        for (Gateway who : List.of(alice, bob)) {
            for (String code : List.of(text, control)) {
                runs.add(CompletableFuture.supplyAsync(() -> who.run(obj("language", "python", "code", code,
                        "limits", Map.of("outputBytes", 8 << 20))), senders));
            }
        }
        senders.shutdown();
        for (int i = 0; i < runs.size(); i++) {
            JsonNode answer = runs.get(i).join();
            JsonNode run = answer.get("run");
            if (i % 2 == 0) {
                assertEquals("OK", answer.get("verdict").asText(), answer.path("message").asText());
                assertEquals(8 << 20, run.get("stdout").asText().length());
                assertEquals(8 << 20, run.get("stderr").asText().length());
            } else {
                // Its text would take 48 MB as JSON: it is cut at 1.5 times the byte limit, and told so.
                assertEquals("OUTPUT_LIMIT_EXCEEDED", answer.get("verdict").asText());
                assertTrue(run.get("stdoutTruncated").asBoolean());
                assertTrue(answer.get("message").asText().contains("JSON"), answer.get("message").asText());
                int kept = run.get("stdout").asText().length();
                assertTrue(kept > 1 << 20 && kept <= 2 << 20, "kept " + kept + " control characters");
            }
            Gateway who = i < 2 ? alice : bob;
            String id = answer.get("id").asText();
            JsonNode history = Await.value(Duration.ofSeconds(90), () -> who.get("/api/v1/executions/" + id).json(),
                    h -> h.path("status").asText().equals("COMPLETED"));
            assertEquals(answer.get("run").get("stdout").asText().length(),
                    history.get("run").get("stdout").asText().length(), "the history keeps the whole result");
        }
        // Lists show results without their output: listing these runs once read them whole, and ran out of memory.
        for (Gateway who : List.of(alice, bob)) {
            JsonNode list = Gateway.ok(who.get("/api/v1/executions?limit=100")).json();
            assertTrue(list.size() >= 2, list.size() + " runs listed");
            for (JsonNode entry : list) {
                assertTrue(entry.path("run").path("stdout").isMissingNode() || entry.path("run").path("stdout").isNull(),
                        "a list entry carries no output: " + entry.path("id"));
            }
        }
        restarts.forEach((instance, count) -> assertEquals(count, restartCount(instance),
                instance + " restarted (see its log: OutOfMemoryError?)"));
        JsonNode after = bob.run(obj("language", "python", "code", "print('still served')"));
        assertEquals("still served\n", after.get("run").get("stdout").asText());
    }

    private static String restartCount(String instance) {
        return Host.docker("inspect", "-f", "{{.RestartCount}} {{.State.StartedAt}}", Host.stackContainer(instance))
                .strip();
    }

    /**
     * 6b. Session-service's blocking work (commands, installs, archives, file transfers) has per-principal shares too:
     * past its share ({@code playground.shares.per-principal}, 8, per session-service instance) a principal's
     * commands are refused with 429 while another principal's command runs at once.
     */
    @Test
    void aPrincipalPastItsShareOfSessionWorkIsRefusedWhileAnotherIsServed() {
        int share = 8;
        int beyond = 4;
        int sent = share * Host.instances("session-service").size() + beyond;
        String mine = awaitRunning(alice, alice.createSession(obj("template", "python")).get("id").asText());
        String theirs = awaitRunning(bob, bob.createSession(obj("template", "python")).get("id").asText());
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            // All at once, whatever the number of cores (the common pool runs as many as it has).
            List<CompletableFuture<Gateway.Reply>> commands = new ArrayList<>();
            for (int i = 0; i < sent; i++) {
                commands.add(CompletableFuture.supplyAsync(() -> alice.post("/api/v1/sessions/" + mine + "/exec",
                        obj("command", "sleep 8; echo held", "timeoutMs", 30_000)), senders));
            }
            // Whatever the instances' split, at least `beyond` commands are past a full share: refused at once.
            Await.upTo(Duration.ofSeconds(6)).until(() -> commands.stream().filter(CompletableFuture::isDone).count()
                    >= beyond);
            for (CompletableFuture<Gateway.Reply> done : commands.stream().filter(CompletableFuture::isDone).toList()) {
                Gateway.Reply refused = done.join();
                Gateway.problem(refused, 429, "share-exceeded");
                assertTrue(refused.header("Retry-After").matches("[1-9][0-9]*"), "Retry-After " + refused.header("Retry-After"));
            }

            JsonNode served = bob.exec(theirs, "echo served");
            assertEquals("served\n", served.get("stdout").asText());
            assertTrue(commands.stream().anyMatch(c -> !c.isDone()), "bob was served while alice's share was full");

            List<Gateway.Reply> replies = commands.stream().map(CompletableFuture::join).toList();
            long held = replies.stream().filter(r -> r.status() == 200).count();
            for (Gateway.Reply r : replies) {
                if (r.status() == 200) {
                    assertEquals("held\n", r.json().get("stdout").asText());
                } else {
                    Gateway.problem(r, 429, "share-exceeded");
                }
            }
            assertTrue(held >= share && held <= sent - beyond, held + " of " + sent + " ran");
            assertEquals("again\n", alice.exec(mine, "echo again").get("stdout").asText(), "the share comes back");
        } finally {
            alice.delete("/api/v1/sessions/" + mine);
            bob.delete("/api/v1/sessions/" + theirs);
        }
    }

    /** 6. One principal's forty slow runs made another's hello world a 503. */
    @Test
    void onePrincipalFloodingIsRefusedWhileAnotherIsServed() {
        Gateway flood = Gateway.as("e2e-flood");
        List<String> admitted = new ArrayList<>();
        List<Gateway.Reply> refused = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                Gateway.Reply r = flood.post("/api/v1/executions", obj("language", "python",
                        "code", "import time\ntime.sleep(30)", "limits", Map.of("wallTimeMs", 40000)));
                if (r.status() == 202) {
                    admitted.add(r.json().get("id").asText());
                } else {
                    refused.add(r);
                }
            }
            assertFalse(refused.isEmpty(), "forty slow runs are not all admitted for one principal");
            JsonNode p = Gateway.problem(refused.get(0), 429);
            assertTrue(p.get("type").asText().endsWith("/share-exceeded"), p.toString());
            assertTrue(refused.get(0).header("Retry-After") != null);
            // Meanwhile another principal is served at once, and nobody's breaker opened.
            CompletableFuture<JsonNode> hello = CompletableFuture.supplyAsync(() -> bob.run(obj("language", "python",
                    "code", "print('served')")));
            JsonNode served = hello.join();
            assertEquals("served\n", served.get("run").get("stdout").asText());
            assertEquals("CLOSED", Gateway.anonymous().get("/api/v1/health").json().path("services")
                    .path("executor-service").path("circuitBreaker").asText());
        } finally {
            admitted.forEach(id -> flood.post("/api/v1/executions/" + id + "/cancel", obj()));
        }
    }

    /** Inside the network: a hand-made principal header reaches nothing. */
    @Test
    void aServiceRefusesAPrincipalHeaderThatTheGatewayDidNotSign() {
        // Each service by its name on the backend network (in hosts mode, its first instance's).
        String session = Host.instances("session-service").get(0);
        String executor = Host.instances("executor-service").get(0);
        String script = "import urllib.request, urllib.error\n"
                + "for url in ['http://" + session + ":8080/api/v1/sessions', 'http://" + executor + ":8080/api/v1/runtimes',"
                + " 'http://" + session + ":8080/internal/sessions/x']:\n"
                + "    req = urllib.request.Request(url, headers={'X-Playground-Principal': 'e2e-alice'})\n"
                + "    try:\n        urllib.request.urlopen(req, timeout=10)\n        print('accepted', url)\n"
                + "    except urllib.error.HTTPError as e:\n        print('status', e.code, url)\n";
        String out = Host.docker("run", "--rm", "--network", "playground_backend", "--user", "1000:1000",
                "playground/runtime-python:latest", "python3", "-c", script);
        assertEquals(3, out.lines().filter(l -> l.startsWith("status 401")).count(), out);
        // The same calls through the gateway, with the key, are served.
        Gateway.ok(alice.get("/api/v1/sessions"));
        Gateway.ok(alice.get("/api/v1/runtimes"));
    }

    /**
     * Memory stays bounded whatever programs print: loud runs leave the executor's and terminal's memory flat (every
     * instance's, in hosts mode).
     */
    @Test
    void fiftyLoudRunsInARowLeaveTheExecutorsAndTerminalsMemoryFlat() {
        // Warm up until the bounded buffers (finished results, terminal-service's 32 MiB replay budget) are as full
        // as they get: 90 runs of 900 KB are more than the budget...
        loudRuns(90);
        Map<String, Long> before = new TreeMap<>();
        for (String service : List.of("executor-service", "terminal-service")) {
            Host.instances(service).forEach(i -> before.put(i, rssMb(i)));
        }
        // ...then fifty more: what they print must not stay behind.
        loudRuns(50);
        before.forEach((instance, mb) -> {
            long after = rssMb(instance);
            assertTrue(after - mb < 48, instance + " RSS " + mb + " -> " + after + " MB");
        });
    }

    /** {@code n} runs that each print 900 KB, four at a time. */
    private void loudRuns(int n) {
        String code = "import sys\nsys.stdout.write(('loud' * 256 + '\\n') * 900)";
        List<CompletableFuture<JsonNode>> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> alice.run(obj("language", "python", "code", code))));
            if (runs.size() == 4) {
                runs.forEach(r -> assertEquals("OK", r.join().get("verdict").asText()));
                runs.clear();
            }
        }
        runs.forEach(r -> assertEquals("OK", r.join().get("verdict").asText()));
    }

    /** Resident memory of a service instance's JVM (not PID 1, the container's init), in MB. */
    private static long rssMb(String instance) {
        String status = Host.docker("exec", Host.stackContainer(instance), "sh", "-c",
                "for p in /proc/[0-9]*; do case $(readlink \"$p/exe\") in */java) grep VmRSS \"$p/status\";; esac; done");
        assertTrue(status.startsWith("VmRSS:") && status.lines().count() == 1, instance + ": " + status);
        return Long.parseLong(status.replaceAll("\\D", "")) / 1024;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
