package dev.playground.terminal.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.execution.ExecutionEventType;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads every execution event into the replay buffer. Each instance reads the whole topic in its own consumer
 * group (any instance may serve any client), starting {@code replay-window} back at startup
 * ({@link ReplayWindow}), so an execution that began before this instance did still replays from its first event.
 * Events are forwarded as published (the JSON text), so fields added to the contract later reach clients too.
 */
@ApplicationScoped
public class ExecutionEventConsumer {

    private static final Logger LOG = Logger.getLogger(ExecutionEventConsumer.class);

    private final ExecutionReplay replay;
    private final ReplayWindow window;
    private final ObjectMapper json;

    ExecutionEventConsumer(ExecutionReplay replay, @Identifier("replay-window") ReplayWindow window, ObjectMapper json) {
        this.replay = replay;
        this.window = window;
        this.json = json;
    }

    @Incoming("execution-events")
    void on(ConsumerRecord<String, String> record) {
        try {
            take(record);
        } finally {
            window.read(record.topic(), record.partition(), record.offset());
        }
    }

    private void take(ConsumerRecord<String, String> record) {
        String value = record.value();
        if (value == null) {
            return;
        }
        try {
            JsonNode event = json.readTree(value);
            String executionId = event.path("executionId").asText(null);
            long seq = event.path("seq").asLong(0);
            if (executionId == null || seq <= 0) {
                LOG.warnf("skipping an execution event without executionId/seq at offset %d", record.offset());
                return;
            }
            boolean terminal = ExecutionEventType.COMPLETED.name().equals(event.path("type").asText());
            long at = record.timestamp() > 0 ? record.timestamp() : System.currentTimeMillis();
            replay.accept(executionId, event.path("owner").asText(null), seq, value, terminal, at);
        } catch (Exception e) {
            LOG.warnf("skipping an unreadable execution event at offset %d: %s", record.offset(), e.getMessage());
        }
    }
}
