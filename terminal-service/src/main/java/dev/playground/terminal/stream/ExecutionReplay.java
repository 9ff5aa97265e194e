package dev.playground.terminal.stream;

import dev.playground.terminal.config.TerminalConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The recent events of every execution, in memory and bounded, so a client that connects late (or again)
 * gets them all from the first before the live ones. Filled from {@code playground.execution.events} by
 * {@link ExecutionEventConsumer}; streams pull from it at their own pace, so a slow client costs a cursor,
 * not a copy of the output.
 *
 * <p>Bounds: at most {@code max-executions} executions (least recently active without listeners dropped first),
 * {@code max-bytes-per-execution} per execution (oldest events dropped from replay beyond it), {@code max-bytes} for
 * all of them together (least recently active without listeners dropped first, then the oldest events of the
 * largest), and finished executions are forgotten {@code retain-completed} after COMPLETED. Memory stays bounded
 * whatever programs print.
 *
 * <p>Times are the events' own (the Kafka record's timestamp), not when this instance read them: an instance that
 * starts reads {@code replay-window} back, and an execution that completed longer than {@code retain-completed} ago
 * is forgotten as soon as its COMPLETED is read, instead of being held for another {@code retain-completed}.
 */
@ApplicationScoped
public class ExecutionReplay {

    private static final Logger LOG = Logger.getLogger(ExecutionReplay.class);

    /** One retained event: its seq, its JSON as published, whether it is the last one. */
    public record Entry(long seq, String json, boolean terminal) {
    }

    /** Told that an execution has new events (or its owner became known). Must not block. */
    public interface Listener {
        void changed();
    }

    /** What is known of one execution. Guarded by its own monitor. */
    public static final class Run {
        private final String executionId;
        private final NavigableMap<Long, Entry> events = new TreeMap<>();
        private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
        private final AtomicLong stdinSeq = new AtomicLong();
        private String owner;
        private long bytes;
        private long droppedThrough;
        /** The seq of its COMPLETED event, 0 before. */
        private long completedSeq;
        /** Epoch millis of its newest event (of its subscription while it has none). */
        private volatile long touchedAt = System.currentTimeMillis();
        /** Epoch millis of its COMPLETED event, -1 before. */
        private volatile long completedAt = -1;

        Run(String executionId) {
            this.executionId = executionId;
        }

        public String executionId() {
            return executionId;
        }

        /** The owner named by its events; null while none has arrived. */
        public synchronized String owner() {
            return owner;
        }

        /** The event to send after {@code lastSent} (0 = none yet): the next seq, or, if that was dropped, the first kept. */
        public synchronized Entry next(long lastSent) {
            Entry e = events.get(lastSent + 1);
            if (e == null && lastSent < droppedThrough) {
                var first = events.firstEntry();
                e = first == null ? null : first.getValue();
            }
            return e;
        }

        /** Whether its COMPLETED event has arrived with a seq of at most {@code seq}. */
        public synchronized boolean completedBy(long seq) {
            return completedSeq > 0 && completedSeq <= seq;
        }

        /** The seq of the next stdin message this instance publishes for the execution. */
        public long nextStdinSeq() {
            return stdinSeq.incrementAndGet();
        }

        /**
         * Adds an event that happened at {@code at} (epoch millis); returns how many bytes the run holds more (or fewer)
         * than before, or null for a duplicate.
         */
        synchronized Long add(String owner, long seq, String json, boolean terminal, long at, long maxBytes) {
            if (seq <= droppedThrough || events.containsKey(seq)) {
                return null; // a duplicate (redelivery) or already dropped from replay
            }
            if (this.owner == null) {
                this.owner = owner;
            }
            long before = bytes;
            events.put(seq, new Entry(seq, json, terminal));
            bytes += json.length();
            trimTo(maxBytes);
            touchedAt = Math.max(touchedAt, at);
            if (terminal) {
                completedAt = at;
                completedSeq = seq;
            }
            return bytes - before;
        }

        /** Drops the oldest events (keeping the newest) until the run holds at most {@code maxBytes}; returns the bytes freed. */
        synchronized long trimTo(long maxBytes) {
            long before = bytes;
            while (bytes > maxBytes && events.size() > 1) {
                Entry oldest = events.pollFirstEntry().getValue();
                bytes -= oldest.json().length();
                droppedThrough = oldest.seq();
            }
            return before - bytes;
        }

        synchronized long bytes() {
            return bytes;
        }

        void notifyListeners() {
            listeners.forEach(Listener::changed);
        }
    }

    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final TerminalConfig config;
    /** Bytes held by all runs together; changed only under this object's monitor. */
    private final AtomicLong totalBytes = new AtomicLong();

    ExecutionReplay(TerminalConfig config, MeterRegistry metrics) {
        this.config = config;
        Gauge.builder("playground.terminal.replay.executions", runs, Map::size)
                .description("Executions whose events are held for replay").register(metrics);
        Gauge.builder("playground.terminal.replay.bytes", totalBytes, AtomicLong::get)
                .description("Bytes of events held for replay").baseUnit("bytes").register(metrics);
    }

    /**
     * Records one event (from the topic) that happened at {@code at} (epoch millis) and wakes the streams of its
     * execution.
     */
    public void accept(String executionId, String owner, long seq, String json, boolean terminal, long at) {
        Run run = runs.computeIfAbsent(executionId, Run::new);
        Long grew = run.add(owner, seq, json, terminal, at, config.stream().maxBytesPerExecution());
        if (grew != null) {
            synchronized (this) {
                totalBytes.addAndGet(grew);
                if (terminal && run.listeners.isEmpty() && expired(run, System.currentTimeMillis())) {
                    forget(run); // read back at startup: it completed before the retention time
                    return;
                }
                if (runs.size() > config.stream().maxExecutions()) {
                    evictLeastRecent(runs.size() - config.stream().maxExecutions());
                }
                keepWithinBudget();
            }
            run.notifyListeners();
        }
    }

    /** Bytes held for replay, all executions together. */
    public long bytes() {
        return totalBytes.get();
    }

    /** Over the global budget: forget idle executions first, then cut the oldest events of the largest. */
    private void keepWithinBudget() {
        long budget = config.stream().maxBytes();
        while (totalBytes.get() > budget && evictLeastRecent(1) > 0) {
            // one idle execution fewer
        }
        while (totalBytes.get() > budget) {
            Run largest = runs.values().stream().max(Comparator.comparingLong(Run::bytes)).orElse(null);
            long freed = largest == null ? 0 : largest.trimTo(largest.bytes() / 2);
            if (freed == 0) {
                return; // every run is down to its newest event
            }
            totalBytes.addAndGet(-freed);
        }
    }

    private void forget(Run r) {
        if (runs.remove(r.executionId, r)) {
            totalBytes.addAndGet(-r.bytes());
        }
    }

    /** Subscribes to an execution, known or not yet known (its first event may still be on its way). */
    public Run subscribe(String executionId, Listener listener) {
        Run run = runs.computeIfAbsent(executionId, Run::new);
        run.listeners.add(listener);
        return run;
    }

    public void unsubscribe(Run run, Listener listener) {
        run.listeners.remove(listener);
    }

    /** Forgets up to {@code count} executions nobody listens to, least recently active first; returns how many. */
    private int evictLeastRecent(int count) {
        var victims = runs.values().stream()
                .filter(r -> r.listeners.isEmpty())
                .sorted(Comparator.comparingLong(r -> r.touchedAt))
                .limit(Math.max(count, 0))
                .toList();
        victims.forEach(this::forget);
        return victims.size();
    }

    /** Forgets finished executions after the retention time, and unknown ids nobody waits for any more. */
    @Scheduled(every = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expire() {
        long now = System.currentTimeMillis();
        int before = runs.size();
        synchronized (this) {
            runs.values().stream().filter(r -> r.listeners.isEmpty() && expired(r, now)).toList().forEach(this::forget);
        }
        if (runs.size() != before) {
            LOG.debugf("replay buffer: forgot %d executions, %d kept", before - runs.size(), runs.size());
        }
    }

    /** Finished longer than the retention time ago, unknown for longer than a client waits, or silent too long. */
    private boolean expired(Run r, long now) {
        var stream = config.stream();
        return (r.completedAt >= 0 && now - r.completedAt > stream.retainCompleted().toMillis())
                || (r.owner() == null && now - r.touchedAt > stream.unknownExecutionWait().toMillis())
                || now - r.touchedAt > stream.replayWindow().toMillis();
    }

    /** Executions currently held (for metrics and tests). */
    public int size() {
        return runs.size();
    }
}
