package dev.playground.terminal.socket;

import dev.playground.terminal.config.TerminalConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** Every open socket of this instance; reaps clients that stopped reading and sockets that stopped answering. */
@ApplicationScoped
public class LiveSockets {

    private static final Logger LOG = Logger.getLogger(LiveSockets.class);

    private final Map<String, LiveSocket> open = new ConcurrentHashMap<>();
    private final TerminalConfig config;

    LiveSockets(TerminalConfig config, MeterRegistry metrics) {
        this.config = config;
        Gauge.builder("playground.terminal.sockets.open", open, Map::size)
                .description("WebSockets open on this instance (terminals and execution streams)")
                .register(metrics);
    }

    public void add(LiveSocket socket) {
        open.put(socket.connectionId(), socket);
    }

    public LiveSocket get(String connectionId) {
        return open.get(connectionId);
    }

    public LiveSocket remove(String connectionId) {
        return open.remove(connectionId);
    }

    public Collection<LiveSocket> all() {
        return open.values();
    }

    @Scheduled(every = "${playground.terminal.sockets.reap-every:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reap() {
        long now = System.nanoTime();
        long slow = config.sockets().slowClientTimeout().toNanos();
        long dead = config.sockets().deadAfter().toNanos();
        for (LiveSocket socket : open.values()) {
            long fullSince = socket.budget().fullSinceNanos();
            if (fullSince >= 0 && now - fullSince > slow) {
                LOG.infof("%s: client too slow, %d bytes unread for %s; closing", socket.describe(),
                        socket.budget().pending(), config.sockets().slowClientTimeout());
                socket.close(LiveSocket.POLICY, "client too slow: output not read for "
                        + config.sockets().slowClientTimeout().toSeconds() + " s");
                open.remove(socket.connectionId());
            } else if (now - socket.lastSeenNanos() > dead) {
                LOG.infof("%s: no pong or message for %s; closing as dead", socket.describe(),
                        config.sockets().deadAfter());
                socket.close(1001, "no answer to pings");
                open.remove(socket.connectionId());
            }
        }
    }
}
