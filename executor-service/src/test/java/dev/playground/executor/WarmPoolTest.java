package dev.playground.executor;

import static dev.playground.executor.ExecutionTestSupport.newPrincipal;
import static dev.playground.executor.ExecutionTestSupport.runSync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.executor.config.ExecutorConfig;
import dev.playground.executor.sandbox.SandboxRunner;
import dev.playground.executor.sandbox.WarmPool;
import dev.playground.executor.service.ExecutionContainerReaper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Warm sandboxes: each serves one run and goes; limits follow the request; nothing outlives the process that made it. */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStub.class)
class WarmPoolTest {

    private static final String PYTHON = "playground/runtime-python:latest";

    @Inject
    WarmPool pool;
    @Inject
    SandboxRunner sandboxes;
    @Inject
    MeterRegistry metrics;
    @Inject
    DockerClient docker;
    @Inject
    ExecutorConfig config;
    @Inject
    ExecutionContainerReaper reaper;
    @Inject
    dev.playground.contract.sandbox.SandboxConfig sandbox;

    @Test
    void aPooledRunSeesACleanSandboxAndTwoPrincipalsNeverShareOne() {
        String alice = newPrincipal();
        String bob = newPrincipal();
        // A run of python asks for warm python sandboxes (the test profile keeps none while nobody asks).
        runSync(alice, Map.of("language", "python", "code", "print(1)")).then().statusCode(200);

        String dirty = "import subprocess\nopen('/workspace/left.txt','w').write('x')\nopen('/tmp/left.txt','w').write('x')\n"
                + "subprocess.Popen(['sleep', '300'], start_new_session=True)\nprint(open('/etc/hostname').read().strip())";
        String looks = "import os\nprocs = [open('/proc/%s/cmdline' % p, 'rb').read() for p in os.listdir('/proc') if p.isdigit()]\n"
                + "print(open('/etc/hostname').read().strip())\n"
                + "print(os.path.exists('/workspace/left.txt'), os.path.exists('/tmp/left.txt'),"
                + " any(c.startswith(b'sleep') for c in procs), sorted(os.listdir('/workspace')))";

        warmPythonWaits();
        double hits = hits();
        JsonPath first = runSync(alice, Map.of("language", "python", "code", dirty)).then().statusCode(200).extract().jsonPath();
        assertEquals("OK", first.getString("verdict"), first.prettify());
        assertEquals(hits + 1, hits(), "alice's run took a warm sandbox");
        String aliceSandbox = first.getString("run.stdout").strip();

        warmPythonWaits();
        JsonPath second = runSync(bob, Map.of("language", "python", "code", looks)).then().statusCode(200).extract().jsonPath();
        assertEquals(hits + 2, hits(), "bob's run took a warm sandbox too");
        List<String> lines = second.getString("run.stdout").lines().toList();
        assertNotEquals(aliceSandbox, lines.get(0), "two runs never share a sandbox");
        // Nothing of alice's run is there: not her files, not /tmp, not the process she left running.
        assertEquals("False False False ['main.py']", lines.get(1));
        assertTrue(docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(aliceSandbox)).exec().isEmpty(),
                "the sandbox of alice's run is removed once it served her");
    }

    @Test
    void aRunAskingForMoreMemoryGetsItAndTheCgroupStillEndsOneThatTakesTooMuch() {
        String owner = newPrincipal();
        runSync(owner, Map.of("language", "python", "code", "print(1)")).then().statusCode(200);
        boolean gvisor = dev.playground.contract.sandbox.SandboxSpec.of(sandbox.sandboxUser(), 1, 1, 1, 1)
                .withRuntime(sandbox.runtime().orElse(null)).gvisor();

        warmPythonWaits();
        double hits = hits();
        JsonPath big = runSync(owner, Map.of("language", "python", "code",
                "x = bytearray(400 * 1024 * 1024)\nprint('got', len(x) >> 20)", "limits", Map.of("memoryMb", 640)))
                .then().statusCode(200).extract().jsonPath();
        assertEquals("OK", big.getString("verdict"), big.prettify());
        assertEquals("got 400\n", big.getString("run.stdout"));
        // runc grows a warm sandbox to the request's memory; gVisor cannot, so there the run started cold.
        assertEquals(hits + (gvisor ? 0 : 1), hits(), "a warm sandbox served the larger request");

        warmPythonWaits();
        JsonPath small = runSync(owner, Map.of("language", "python", "code",
                "x = bytearray(200 * 1024 * 1024)\nprint('survived')", "limits", Map.of("memoryMb", 64)))
                .then().statusCode(200).extract().jsonPath();
        assertEquals("MEMORY_LIMIT_EXCEEDED", small.getString("verdict"), small.prettify());
        assertEquals("", small.getString("run.stdout"));
        assertEquals(hits + (gvisor ? 0 : 2), hits(), "and a shrunk warm sandbox the smaller one");
    }

    @Test
    void warmSandboxesAnEarlierProcessLeftAreReapedAndThisProcesssOwnStay() {
        runSync(newPrincipal(), Map.of("language", "python", "code", "print(1)")).then().statusCode(200);
        warmPythonWaits();
        String host = sandboxes.upHosts().get(0);
        int own = pool.size(host, PYTHON);
        // What a killed executor leaves: a warm sandbox nobody took, and one a run had claimed when it died.
        String unused = leftover("playground-warm-" + UUID.randomUUID());
        String claimed = leftover("playground-exec-" + UUID.randomUUID() + "_python_3.13");

        // Not its count: the scheduled pass (every 60 s) may have run meanwhile and removed some of them itself.
        reaper.reap();
        assertTrue(docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(unused, claimed)).exec().isEmpty(),
                "the earlier process's warm sandboxes are gone");
        assertTrue(pool.size(host, PYTHON) >= Math.min(own, 1), "this process's own warm sandboxes are not touched");
        Map<String, String> mine = Map.of(ContainerLabels.BOOT, pool.boot());
        assertEquals(pool.size(host, PYTHON) + otherImagesWaiting(host),
                docker.listContainersCmd().withLabelFilter(mine).exec().size(), "and still run");
    }

    private int otherImagesWaiting(String host) {
        return docker.listContainersCmd().withLabelFilter(Map.of(ContainerLabels.BOOT, pool.boot())).exec().stream()
                .filter(c -> !PYTHON.equals(c.getLabels().get(ContainerLabels.POOL_IMAGE))).mapToInt(c -> 1).sum();
    }

    private String leftover(String name) {
        Map<String, String> labels = new HashMap<>(ContainerLabels.of(config.instance(), ContainerLabels.KIND_POOL,
                UUID.randomUUID().toString(), ContainerLabels.NO_OWNER));
        labels.put(ContainerLabels.BOOT, UUID.randomUUID().toString());
        labels.put(ContainerLabels.POOL_IMAGE, PYTHON);
        String id = docker.createContainerCmd(PYTHON).withName(name).withCmd("sleep", "infinity").withLabels(labels)
                .exec().getId();
        docker.startContainerCmd(id).exec();
        return id;
    }

    private void warmPythonWaits() {
        String host = sandboxes.upHosts().get(0);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> pool.size(host, PYTHON) >= 1);
    }

    private double hits() {
        Counter c = metrics.find("playground.pool.hits").tag("image", PYTHON).counter();
        return c == null ? 0 : c.count();
    }
}
