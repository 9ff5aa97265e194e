package dev.playground.contract.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;

/**
 * Messaging channels name their topics in application.properties, where the contract's {@link Topics} constants
 * cannot be used: a service's tests check that every topic named there is one of them, so a typo fails the build.
 */
public final class TopicNames {

    private static final Set<String> CONTRACT = Set.of(Topics.EXECUTION_EVENTS, Topics.EXECUTION_STDIN,
            Topics.SESSION_EVENTS, Topics.EXECUTION_CONTROL, Topics.EXECUTION_ARTIFACTS);

    /** Asserts every {@code mp.messaging.*.*.topic} in the classpath's application.properties is a contract topic. */
    public static void assertContractTopics() {
        Properties props = new Properties();
        try (InputStream in = TopicNames.class.getClassLoader().getResourceAsStream("application.properties")) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long checked = props.stringPropertyNames().stream()
                .filter(k -> k.startsWith("mp.messaging.") && k.endsWith(".topic"))
                .peek(k -> assertTrue(CONTRACT.contains(props.getProperty(k)), k + " = " + props.getProperty(k)
                        + " is not a topic of the contract " + CONTRACT))
                .count();
        assertTrue(checked > 0, "no messaging channel names a topic");
    }

    private TopicNames() {
    }
}
