package dev.playground.executor;

import static dev.playground.executor.ExecutionTestSupport.newPrincipal;
import static dev.playground.executor.ExecutionTestSupport.runSync;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.execution.ExecutionEvent;
import dev.playground.contract.execution.ExecutionEventType;
import dev.playground.contract.execution.ExecutionResult;
import dev.playground.contract.execution.ExecutionStatus;
import dev.playground.contract.execution.Verdict;
import dev.playground.contract.sandbox.SandboxSpec;
import dev.playground.contract.sandbox.SandboxUser;
import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.executor.config.ExecutorConfig;
import dev.playground.executor.events.OrphanedExecutionCloser;
import dev.playground.executor.service.ExecutionContainerReaper;
import dev.playground.executor.service.ExecutionService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStub.class)
class SessionRunAndReaperTest {

    @Inject
    DockerClient docker;
    @Inject
    ExecutorConfig config;
    @Inject
    ExecutionContainerReaper reaper;

    @Test
    void aRunWithSessionIdRunsInThatSessionsWorkspaceWithItsLimits() throws Exception {
        String owner = newPrincipal();
        String sessionId = UUID.randomUUID().toString();
        // A session container as session-service would run it: hardened, labelled, a writable workspace.
        var spec = SandboxSpec.of(SandboxUser.DEFAULT, 256L << 20, 0.5, 64, 32L << 20)
                .withOwnedTmpfs("/workspace", 64L << 20, true).withTmpfs("/tmp", 16L << 20, true);
        String containerId = spec.applyTo(docker.createContainerCmd("playground/runtime-python:latest"))
                .withCmd("sleep", "infinity")
                .withLabels(ContainerLabels.of(config.instance(), ContainerLabels.KIND_SESSION, sessionId, owner))
                .exec().getId();
        try {
            docker.startContainerCmd(containerId).exec();
            ExecCreateCmdResponse seed = docker.execCreateCmd(containerId)
                    .withCmd("sh", "-c", "echo 'from workspace' > /workspace/data.txt").exec();
            docker.execStartCmd(seed.getId()).start().awaitCompletion();
            SessionServiceStub.SESSIONS.put(sessionId, Map.entry(owner, "{\"id\":\"" + sessionId + "\",\"owner\":\"" + owner
                    + "\",\"state\":\"RUNNING\",\"containerId\":\"" + containerId + "\",\"workdir\":\"/workspace\",\"ports\":[]}"));

            runSync(owner, Map.of("language", "python", "sessionId", sessionId,
                    "code", "print(open('data.txt').read().strip())\nopen('made-by-run.txt','w').write('x')"))
                    .then().statusCode(200).body("verdict", equalTo("OK")).body("sessionId", equalTo(sessionId))
                    .body("run.stdout", equalTo("from workspace\n"));
            // The run's file stays in the session's workspace.
            var out = new ByteArrayOutputStream();
            ExecCreateCmdResponse check = docker.execCreateCmd(containerId).withAttachStdout(true)
                    .withCmd("ls", "/workspace").exec();
            docker.execStartCmd(check.getId()).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                @Override
                public void onNext(com.github.dockerjava.api.model.Frame f) {
                    out.writeBytes(f.getPayload());
                }
            }).awaitCompletion();
            assertTrue(out.toString().contains("made-by-run.txt"), out.toString());

            // Limits hold inside the session too, and the session's other processes survive.
            runSync(owner, Map.of("language", "python", "sessionId", sessionId, "code", "while True: pass",
                    "limits", Map.of("cpuTimeMs", 1000, "wallTimeMs", 3000)))
                    .then().statusCode(200).body("verdict", equalTo("TIME_LIMIT_EXCEEDED"));
            assertTrue(docker.inspectContainerCmd(containerId).exec().getState().getRunning());

            runSync("someone-else", Map.of("language", "python", "sessionId", sessionId, "code", "print(1)"))
                    .then().statusCode(404).contentType("application/problem+json").body("detail", containsString(sessionId));
        } finally {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        }
    }

    @Test
    void theReaperRemovesThisInstancesLeftoversAndNothingElse() {
        String leftover = docker.createContainerCmd("playground/runtime-python:latest").withCmd("sleep", "infinity")
                .withLabels(ContainerLabels.of(config.instance(), ContainerLabels.KIND_EXECUTION, "gone-" + UUID.randomUUID(), "x"))
                .exec().getId();
        String otherInstance = docker.createContainerCmd("playground/runtime-python:latest").withCmd("sleep", "infinity")
                .withLabels(ContainerLabels.of("other-" + UUID.randomUUID(), ContainerLabels.KIND_EXECUTION, "y", "x"))
                .exec().getId();
        try {
            docker.startContainerCmd(leftover).exec();
            // The periodic pass may get there first; passes are serialised, so once this one returns it is gone.
            reaper.reap();
            assertEquals(0, docker.listContainersCmd().withShowAll(true).withIdFilter(java.util.List.of(leftover)).exec().size());
            assertEquals(1, docker.listContainersCmd().withShowAll(true).withIdFilter(java.util.List.of(otherInstance)).exec().size());
        } finally {
            docker.removeContainerCmd(otherInstance).withForce(true).exec();
            try {
                docker.removeContainerCmd(leftover).withForce(true).exec();
            } catch (com.github.dockerjava.api.exception.NotFoundException expected) {
                // removed by the reaper
            }
        }
    }

    /** A sandbox and the events an executor killed mid-run leaves behind (same labels, this test's instance). */
    private String crashedRun(String executionId, String owner, ExecutionEvent... published) throws Exception {
        ExecutionTestSupport.publish(published);
        // Created after the events, as in a real run: whichever reaper pass sees it finds its history complete.
        var labels = new java.util.HashMap<>(ContainerLabels.of(config.instance(), ContainerLabels.KIND_EXECUTION,
                executionId, owner));
        labels.put(ContainerLabels.LANGUAGE, "python");
        String container = docker.createContainerCmd("playground/runtime-python:latest").withCmd("sleep", "infinity")
                .withLabels(labels).exec().getId();
        docker.startContainerCmd(container).exec();
        return container;
    }

    private static ExecutionEvent event(String id, String owner, long seq, ExecutionEventType type, String data,
            ExecutionResult result) {
        return new ExecutionEvent(id, null, owner, seq, type, Instant.now(), null, data, null, null, null, result);
    }

    private boolean exists(String container) {
        return !docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(container)).exec().isEmpty();
    }

    @Test
    void aRunWhoseExecutorDiedMidRunIsClosedOnTheTopicAndItsSandboxRemoved() throws Exception {
        Instant since = Instant.now().minusSeconds(5);
        String id = UUID.randomUUID().toString();
        String owner = newPrincipal();
        String container = crashedRun(id, owner, event(id, owner, 1, ExecutionEventType.QUEUED, null, null),
                event(id, owner, 2, ExecutionEventType.STARTED, null, null),
                event(id, owner, 3, ExecutionEventType.STDOUT, "half of the output\n", null));
        try {
            reaper.reap();
            assertFalse(exists(container), "the orphaned sandbox is removed");
            List<ExecutionEvent> events = ExecutionTestSupport.eventsNowOf(id, since);
            List<ExecutionEvent> completed = events.stream().filter(e -> e.type() == ExecutionEventType.COMPLETED).toList();
            assertEquals(1, completed.size(), events.toString());
            ExecutionEvent last = completed.get(0);
            assertEquals(4, last.seq());
            assertEquals(owner, last.owner());
            assertEquals(ExecutionStatus.COMPLETED, last.result().status());
            assertEquals(Verdict.INTERNAL_ERROR, last.result().verdict());
            assertEquals(OrphanedExecutionCloser.MESSAGE, last.result().message());
            assertEquals("python", last.result().language());
            assertEquals(events.get(0).at(), last.result().createdAt());
            assertTrue(last.result().finishedAt() != null);
            assertEquals(List.of(1L, 2L, 3L, 4L), events.stream().map(ExecutionEvent::seq).toList());
        } finally {
            if (exists(container)) {
                docker.removeContainerCmd(container).withForce(true).exec();
            }
        }
    }

    @Test
    void aRunCutOffBeforeAnyOfItsEventsReachedKafkaIsClosedForThePrincipalItsSandboxNames() throws Exception {
        // Its executor (and Kafka with it, as when the engine dies) went before even QUEUED was on the topic: a cold
        // sandbox says whose run it was by its owner label, a claimed warm one by its name.
        Instant since = Instant.now().minusSeconds(5);
        String cold = UUID.randomUUID().toString();
        String warm = UUID.randomUUID().toString();
        String owner = newPrincipal() + "@example.org";
        String coldSandbox = crashedRun(cold, owner);
        var poolLabels = new java.util.HashMap<>(ContainerLabels.of(config.instance(), ContainerLabels.KIND_POOL,
                UUID.randomUUID().toString(), ContainerLabels.NO_OWNER));
        poolLabels.put(ContainerLabels.BOOT, "an-earlier-process");
        String warmSandbox = docker.createContainerCmd("playground/runtime-python:latest").withCmd("sleep", "infinity")
                .withName(dev.playground.executor.sandbox.SandboxRunner.claimedName(warm, "python", "3.13", owner))
                .withLabels(poolLabels).exec().getId();
        docker.startContainerCmd(warmSandbox).exec();
        try {
            reaper.reap();
            for (String id : List.of(cold, warm)) {
                List<ExecutionEvent> events = ExecutionTestSupport.eventsNowOf(id, since);
                assertEquals(1, events.size(), events.toString());
                ExecutionEvent closed = events.get(0);
                assertEquals(ExecutionEventType.COMPLETED, closed.type());
                assertEquals(1, closed.seq());
                assertEquals(owner, closed.owner());
                assertEquals(Verdict.INTERNAL_ERROR, closed.result().verdict());
                assertEquals("python", closed.result().language());
            }
            assertFalse(exists(coldSandbox) || exists(warmSandbox), "both sandboxes are removed");
        } finally {
            for (String c : List.of(coldSandbox, warmSandbox)) {
                if (exists(c)) {
                    docker.removeContainerCmd(c).withForce(true).exec();
                }
            }
        }
    }

    @Test
    void anOrphanWhoseRunAlreadyCompletedGetsNoSecondCompleted() throws Exception {
        Instant since = Instant.now().minusSeconds(5);
        String id = UUID.randomUUID().toString();
        String owner = newPrincipal();
        var result = new ExecutionResult(id, null, "python", "3", ExecutionStatus.COMPLETED, Verdict.OK, null, null, null,
                null, Instant.now(), Instant.now());
        String container = crashedRun(id, owner, event(id, owner, 1, ExecutionEventType.QUEUED, null, null),
                event(id, owner, 2, ExecutionEventType.STARTED, null, null),
                event(id, owner, 3, ExecutionEventType.COMPLETED, null, result));
        try {
            reaper.reap();
            assertFalse(exists(container), "the leftover sandbox is removed");
            List<ExecutionEvent> events = ExecutionTestSupport.eventsNowOf(id, since);
            assertEquals(List.of(1L, 2L, 3L), events.stream().map(ExecutionEvent::seq).toList());
            assertEquals(Verdict.OK, events.get(2).result().verdict());
        } finally {
            if (exists(container)) {
                docker.removeContainerCmd(container).withForce(true).exec();
            }
        }
    }
}
