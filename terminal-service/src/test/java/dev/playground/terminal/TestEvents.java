package dev.playground.terminal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.playground.contract.Topics;
import dev.playground.contract.execution.ExecutionEvent;
import dev.playground.contract.execution.ExecutionEventType;
import dev.playground.contract.execution.ExecutionResult;
import dev.playground.contract.session.SessionEvent;
import dev.playground.contract.testing.KafkaTestBroker;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes contract events to the real test broker, as executor-service and session-service would. */
final class TestEvents implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final KafkaProducer<String, String> producer;

    TestEvents() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    static ExecutionEvent event(String id, String owner, long seq, ExecutionEventType type, String data) {
        return new ExecutionEvent(id, null, owner, seq, type, Instant.now(), null, data, null,
                type == ExecutionEventType.EXITED ? 0 : null, null, null);
    }

    static ExecutionEvent completed(String id, String owner, long seq, ExecutionResult result) {
        return new ExecutionEvent(id, null, owner, seq, ExecutionEventType.COMPLETED, Instant.now(), null, null, null,
                null, null, result);
    }

    void publish(ExecutionEvent... events) {
        try {
            for (ExecutionEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.EXECUTION_EVENTS, e.executionId(), JSON.writeValueAsString(e)))
                        .get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to the test broker", e);
        }
    }

    /** Publishes events whose records carry the timestamp {@code at} (epoch millis), as if published back then. */
    void publishAt(long at, ExecutionEvent... events) {
        try {
            for (ExecutionEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.EXECUTION_EVENTS, null, at, e.executionId(),
                        JSON.writeValueAsString(e))).get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to the test broker", e);
        }
    }

    /** Publishes many events without waiting for each acknowledgement, then waits for all. */
    void publishAll(java.util.List<ExecutionEvent> events) {
        try {
            var sent = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (ExecutionEvent e : events) {
                sent.add(producer.send(new ProducerRecord<>(Topics.EXECUTION_EVENTS, e.executionId(),
                        JSON.writeValueAsString(e))));
            }
            for (var f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to the test broker", e);
        }
    }

    void publish(SessionEvent event) {
        try {
            producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS, event.sessionId(), JSON.writeValueAsString(event)))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to the test broker", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
