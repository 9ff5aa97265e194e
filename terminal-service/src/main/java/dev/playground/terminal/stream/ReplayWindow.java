package dev.playground.terminal.stream;

import dev.playground.terminal.config.TerminalConfig;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Starts the execution-event consumer {@code replay-window} back in time rather than at the topic's beginning
 * (which could be days of retention) or its end (which would lose runs already under way).
 *
 * <p>Reading an hour back after a busy one (runs with megabytes of output) grows the heap far beyond what the replay
 * keeps, and Serial GC gives heap back only at a full collection, which never comes at rest: once the read-back has
 * reached the ends the partitions had when they were assigned, one full collection returns it (with
 * {@code -XX:-ShrinkHeapInSteps}, images/service, all of it at once): terminal-service at rest 220 to 150 MB.
 */
@ApplicationScoped
@Identifier("replay-window")
public class ReplayWindow implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(ReplayWindow.class);

    private final TerminalConfig config;
    /** Partitions still being read back, with the end offset each had when assigned. */
    private final Map<TopicPartition, Long> readingBack = new ConcurrentHashMap<>();

    ReplayWindow(TerminalConfig config) {
        this.config = config;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        long since = System.currentTimeMillis() - config.stream().replayWindow().toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, since));
        var offsets = consumer.offsetsForTimes(query);
        var ends = consumer.endOffsets(partitions);
        for (TopicPartition p : partitions) {
            var found = offsets.get(p);
            long offset = found != null ? found.offset() : ends.get(p);
            consumer.seek(p, offset);
            if (offset < ends.get(p)) {
                readingBack.put(p, ends.get(p));
            }
        }
        LOG.infof("execution events: reading from %s back on %d partition(s)", config.stream().replayWindow(),
                partitions.size());
    }

    /** An event at {@code offset} was read; the last one of the read-back returns the heap the read-back grew. */
    void read(String topic, int partition, long offset) {
        if (readingBack.isEmpty()) {
            return;
        }
        TopicPartition p = new TopicPartition(topic, partition);
        Long end = readingBack.get(p);
        if (end != null && offset + 1 >= end && readingBack.remove(p) != null && readingBack.isEmpty()) {
            LOG.info("execution events: read back; returning the heap the read-back grew (one full collection)");
            System.gc();
        }
    }
}
