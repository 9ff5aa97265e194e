package dev.playground.contract.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A real Kafka broker (the project's own {@code playground/kafka} image, KRaft, one node) for tests.
 *
 * <p>One broker serves the whole test run: the container is started with Testcontainers' reuse, so every
 * module's test JVM finds the one already running; the test command removes it when the run ends
 * ({@code label playground.test=true}). The host port equals the container port so the advertised listener
 * is right from both sides.
 */
public class KafkaTestBroker implements QuarkusTestResourceLifecycleManager {

    /** Host (and container) port of the shared test broker. */
    public static final int PORT = Integer.getInteger("playground.test.kafka.port", 19092);
    public static final String IMAGE = System.getProperty("playground.test.kafka.image", "playground/kafka:latest");

    private static GenericContainer<?> broker;

    /** Starts (or finds) the shared broker and returns its bootstrap address. */
    @SuppressWarnings("resource")
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            GenericContainer<?> c = new GenericContainer<>(IMAGE)
                    .withEnv("KAFKA_LISTENERS", "PLAINTEXT://:" + PORT + ",CONTROLLER://:9093")
                    .withEnv("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://localhost:" + PORT)
                    .withEnv("KAFKA_HEAP_OPTS", "-Xmx384m")
                    .withLabel("playground.test", "true")
                    .withExposedPorts(PORT)
                    .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                            List.of(com.github.dockerjava.api.model.PortBinding.parse(PORT + ":" + PORT))))
                    .withReuse(true)
                    .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1)
                            .withStartupTimeout(Duration.ofSeconds(120)));
            c.start();
            broker = c;
        }
        return "localhost:" + PORT;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    @Override
    public void stop() {
        // Left running on purpose: the next module's tests reuse it; the test command removes it.
    }
}
