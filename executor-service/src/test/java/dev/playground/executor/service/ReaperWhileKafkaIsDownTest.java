package dev.playground.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.executor.SessionServiceStub;
import dev.playground.executor.config.ExecutorConfig;
import dev.playground.executor.events.ExecutionEventPublisher;
import dev.playground.executor.events.OrphanedExecutionCloser;
import dev.playground.contract.sandbox.SandboxConfig;
import dev.playground.executor.sandbox.SandboxRunner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The sandbox of a run that needs closing is the only evidence of it: while Kafka cannot be reached, the reaper
 * must keep it (and try again on its next pass) rather than remove it unclosed. The shared broker must not be
 * stopped, so this reaper is aimed at an address where nothing listens, on an instance of its own (the
 * service's own reaper never sees this sandbox).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStub.class)
class ReaperWhileKafkaIsDownTest {

    @Inject
    DockerClient docker;
    @Inject
    ExecutorConfig config;
    @Inject
    ExecutionService executions;
    @Inject
    ExecutionEventPublisher publisher;
    @Inject
    ObjectMapper json;
    @Inject
    SandboxConfig sandbox;
    @Inject
    dev.playground.contract.docker.SandboxHosts hosts;

    @Test
    void anOrphansSandboxStaysWhileKafkaIsDown() {
        String instance = "test-down-" + UUID.randomUUID();
        ExecutorConfig down = (ExecutorConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ExecutorConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "instance" -> instance;
                    case "orphanCloseTimeout" -> Duration.ofSeconds(2);
                    default -> {
                        try {
                            yield method.invoke(config, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                });
        var reaper = new ExecutionContainerReaper(new SandboxRunner(hosts, down, sandbox), executions,
                new OrphanedExecutionCloser(publisher, json, down, Map.of("bootstrap.servers", "localhost:1")));
        String orphan = docker.createContainerCmd("playground/runtime-python:latest").withCmd("sleep", "infinity")
                .withLabels(ContainerLabels.of(instance, ContainerLabels.KIND_EXECUTION, UUID.randomUUID().toString(), "x"))
                .exec().getId();
        try {
            long started = System.nanoTime();
            assertEquals(0, reaper.reap());
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "the pass is bounded");
            assertEquals(1, docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(orphan)).exec().size());
        } finally {
            docker.removeContainerCmd(orphan).withForce(true).exec();
        }
    }
}
