package dev.playground.executor.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.Topics;
import dev.playground.contract.execution.ExecutionArtifact;
import dev.playground.contract.execution.ExecutionEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes execution events keyed by execution id. One idempotent producer keeps each execution's events in
 * the order they were sent, which (with the seq the execution hands out under its lock) keeps seq gap-free
 * and ordered on the topic. A plain producer rather than an Emitter: send() applies back-pressure instead of
 * overflowing a buffer when a program floods output.
 */
@ApplicationScoped
public class ExecutionEventPublisher {

    private static final Logger LOG = Logger.getLogger(ExecutionEventPublisher.class);
    /** The largest event the topic takes (the broker's message.max.bytes). */
    static final int MAX_EVENT_BYTES = 64 << 20;

    private final KafkaProducer<String, byte[]> producer;
    private final ObjectMapper json;

    ExecutionEventPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, ObjectMapper json) {
        this.json = json;
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "executor-events");
        // COMPLETED carries the whole result (up to the maximum output per stream, twice, plus the compile step's):
        // the broker takes messages up to 64 MiB (images/kafka), and compression keeps what crosses the wire small.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_EVENT_BYTES);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, (long) MAX_EVENT_BYTES + (16 << 20));
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public void publish(ExecutionEvent event) {
        send(event);
    }

    /** Publishes and hands back the broker's acknowledgement, for a caller that must know the event landed. */
    public Future<RecordMetadata> send(ExecutionEvent event) {
        byte[] value; // straight to UTF-8 bytes: a large result is not held as a String as well
        try {
            value = json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return producer.send(new ProducerRecord<>(Topics.EXECUTION_EVENTS, event.executionId(), value), (meta, error) -> {
            if (error != null) {
                LOG.errorf("execution %s: event %d (%s) not published: %s", event.executionId(), event.seq(),
                        event.type(), error.getMessage());
            }
        });
    }

    /** Asks whichever executor instance runs the execution to act on it (cancel). */
    public Future<RecordMetadata> publishControl(dev.playground.contract.execution.ExecutionControl control) {
        byte[] value;
        try {
            value = json.writeValueAsBytes(control);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return producer.send(new ProducerRecord<>(Topics.EXECUTION_CONTROL, control.executionId(), value));
    }

    /** Publishes a file a run wrote (key = execution id), for the history to keep. */
    public void publishArtifact(ExecutionArtifact artifact) {
        byte[] value;
        try {
            value = json.writeValueAsBytes(artifact);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        producer.send(new ProducerRecord<>(Topics.EXECUTION_ARTIFACTS, artifact.executionId(), value), (meta, error) -> {
            if (error != null) {
                LOG.errorf("execution %s: artifact %s not published: %s", artifact.executionId(), artifact.name(),
                        error.getMessage());
            }
        });
    }

    @PreDestroy
    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
