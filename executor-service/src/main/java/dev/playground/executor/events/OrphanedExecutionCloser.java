package dev.playground.executor.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.Topics;
import dev.playground.contract.execution.ExecutionEvent;
import dev.playground.contract.execution.ExecutionEventType;
import dev.playground.contract.execution.ExecutionResult;
import dev.playground.contract.execution.ExecutionStatus;
import dev.playground.contract.execution.Verdict;
import dev.playground.executor.config.ExecutorConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * Closes on the topic an execution whose executor died mid-run (its sandbox is found by a later process's
 * reaper): reads what the dead process published for it and appends COMPLETED with verdict INTERNAL_ERROR and
 * the next seq, so session-service's history and live streams end instead of saying RUNNING forever.
 * Blocking and bounded by {@code orphan-close-timeout}; called only from the reaper's threads.
 */
@ApplicationScoped
public class OrphanedExecutionCloser {

    private static final Logger LOG = Logger.getLogger(OrphanedExecutionCloser.class);

    /** What a person reads in the result of a run its executor lost. */
    public static final String MESSAGE = "The executor restarted while this program ran, so it was stopped and its "
            + "result is lost. Run it again.";

    /** What became of one orphan. */
    public enum Closing {
        /** COMPLETED published and acknowledged now (or by an earlier pass's send that was still in flight). */
        CLOSED,
        /** Its events already end with COMPLETED: nothing to add. */
        ALREADY_CLOSED,
        /**
         * No event of it in the partition since {@code orphan-lookback} before its sandbox, and a sandbox that names no
         * principal: nothing to close it for.
         */
        NO_EVENTS,
        /** Kafka did not answer in time (or the send is still in flight): keep the sandbox, try on the next pass. */
        RETRY
    }

    private final ExecutionEventPublisher publisher;
    private final ObjectMapper json;
    private final ExecutorConfig config;
    private final Object bootstrapServers;
    /** Sends whose acknowledgement did not come within the timeout: never send a second COMPLETED behind them. */
    private final Map<String, Future<RecordMetadata>> inFlight = new ConcurrentHashMap<>();

    /** Public so a test can aim one at a broker that is down; the service gets the CDI bean. */
    public OrphanedExecutionCloser(ExecutionEventPublisher publisher, ObjectMapper json, ExecutorConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.publisher = publisher;
        this.json = json;
        this.config = config;
        this.bootstrapServers = kafka.get("bootstrap.servers");
    }

    /**
     * An execution whose sandbox no live executor owns.
     *
     * @param sandboxCreated when the sandbox was created: its execution's events are shortly before and after
     */
    public record Orphan(String executionId, String owner, String language, String version, Instant sandboxCreated) {
    }

    /** Closes the execution of an orphaned sandbox. */
    public Closing close(Orphan orphan) {
        String id = orphan.executionId();
        Instant sandboxCreated = orphan.sandboxCreated();
        long deadline = System.nanoTime() + config.orphanCloseTimeout().toNanos();
        Future<RecordMetadata> earlier = inFlight.get(id);
        if (earlier != null) {
            if (!earlier.isDone()) {
                return Closing.RETRY;
            }
            inFlight.remove(id);
            if (acknowledged(id, earlier, deadline)) {
                return Closing.CLOSED;
            }
        }
        History history;
        try {
            history = read(id, sandboxCreated.minus(config.orphanLookback()), deadline);
        } catch (RuntimeException e) {
            // Kafka down or slow: the sandbox is the only evidence the run needs closing, so it stays.
            LOG.warnf("execution %s: could not read its events to close it (%s); the next reaper pass retries", id,
                    e.toString());
            return Closing.RETRY;
        }
        if (history.lastSeq == 0 && (orphan.owner() == null || orphan.owner().equals(ContainerLabels.NO_OWNER))) {
            LOG.warnf("execution %s: its sandbox outlived its executor but no event of it is on %s since %s and its "
                    + "sandbox names no principal; nothing to close", id, Topics.EXECUTION_EVENTS,
                    sandboxCreated.minus(config.orphanLookback()));
            return Closing.NO_EVENTS;
        }
        // With no event on the topic (its executor died before even QUEUED reached Kafka), the sandbox is the only
        // evidence the run was accepted: it is closed as seq 1, for the principal its sandbox names.
        if (history.completed) {
            return Closing.ALREADY_CLOSED;
        }
        Instant now = Instant.now();
        String sessionId = history.sessionId;
        String owner = history.owner != null ? history.owner : orphan.owner();
        var result = new ExecutionResult(id, sessionId, orphan.language(), orphan.version(), ExecutionStatus.COMPLETED, Verdict.INTERNAL_ERROR, MESSAGE,
                null, null, null, history.createdAt != null ? history.createdAt : sandboxCreated, now);
        var completed = new ExecutionEvent(id, sessionId, owner, history.lastSeq + 1, ExecutionEventType.COMPLETED, now,
                null, null, null, null, null, result);
        Future<RecordMetadata> sent;
        try {
            sent = publisher.send(completed);
        } catch (RuntimeException e) {
            LOG.warnf("execution %s: could not publish its closing COMPLETED (%s); the next reaper pass retries", id,
                    e.toString());
            return Closing.RETRY;
        }
        inFlight.put(id, sent);
        if (!acknowledged(id, sent, deadline)) {
            return sent.isDone() ? inFlightFailed(id) : Closing.RETRY;
        }
        inFlight.remove(id);
        LOG.infof("execution %s: closed with COMPLETED seq %d (INTERNAL_ERROR) after its executor died", id,
                completed.seq());
        return Closing.CLOSED;
    }

    private Closing inFlightFailed(String id) {
        inFlight.remove(id);
        return Closing.RETRY;
    }

    private boolean acknowledged(String id, Future<RecordMetadata> sent, long deadline) {
        try {
            sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            LOG.warnf("execution %s: its closing COMPLETED was refused (%s); the next reaper pass retries", id,
                    e.getCause());
            return false;
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warnf("execution %s: its closing COMPLETED is not acknowledged yet; the next reaper pass checks", id);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What the dead process published for one execution. */
    private static final class History {
        long lastSeq;
        boolean completed;
        String sessionId;
        String owner;
        Instant createdAt;
    }

    /**
     * Reads the execution's partition (the producer's default partitioner: murmur2 of the key) from the first
     * record at or after {@code from} to the end offset taken now, keeping that key's events.
     */
    private History read(String id, Instant from, long deadline) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // No group: the partition is assigned by hand and nothing is committed.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "executor-reaper");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.orphanCloseTimeout().toMillis());
        History history = new History();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(Topics.EXECUTION_EVENTS, left(deadline));
            if (partitions == null || partitions.isEmpty()) {
                return history;
            }
            // What BuiltInPartitioner.partitionForKey does with a non-null key.
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions.size();
            TopicPartition tp = new TopicPartition(Topics.EXECUTION_EVENTS, partition);
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), left(deadline)).get(tp);
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(tp, from.toEpochMilli()), left(deadline)).get(tp);
            if (start == null) {
                return history; // nothing at or after `from`
            }
            consumer.seek(tp, start.offset());
            while (consumer.position(tp, left(deadline)) < end) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException(
                            "reading partition " + partition + " took longer than " + config.orphanCloseTimeout());
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end && id.equals(r.key())) {
                        keep(history, r.value());
                    }
                }
            }
        }
        return history;
    }

    private void keep(History history, String value) {
        ExecutionEvent e;
        try {
            e = json.readValue(value, ExecutionEvent.class);
        } catch (java.io.IOException ex) {
            return; // not an event this executor wrote; it cannot change the seq
        }
        history.lastSeq = Math.max(history.lastSeq, e.seq());
        history.completed |= e.type() == ExecutionEventType.COMPLETED;
        if (e.type() == ExecutionEventType.QUEUED) {
            history.createdAt = e.at();
        }
        if (history.sessionId == null) {
            history.sessionId = e.sessionId();
        }
        if (history.owner == null) {
            history.owner = e.owner();
        }
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }
}
