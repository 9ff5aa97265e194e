package dev.playground.terminal.stream;

import dev.playground.terminal.config.TerminalConfig;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Starts the execution-event consumer {@code replay-window} back in time rather than at the topic's beginning
 * (which could be days of retention) or its end (which would lose runs already under way).
 */
@ApplicationScoped
@Identifier("replay-window")
public class ReplayWindow implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(ReplayWindow.class);

    private final TerminalConfig config;

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
        }
        LOG.infof("execution events: reading from %s back on %d partition(s)", config.stream().replayWindow(),
                partitions.size());
    }
}
