package dev.playground.gateway.shared;

import dev.playground.gateway.config.GatewayConfig;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * What every gateway instance must agree on, in PostgreSQL: each principal's token buckets (Bucket4j's rows) and the
 * nonces of redeemed WebSocket tickets. The gateway creates its two tables itself (no migration tool: they hold
 * nothing that outlives a minute, and any gateway can recreate them).
 *
 * <p>PostgreSQL is never on the path to an answer: an operation that fails or takes longer than
 * {@code gateway.shared-state.timeout} marks the store {@link State#DOWN}, the request is decided by this instance
 * alone, and from then on no request waits for the database until a probe (every {@code retry-interval}) reaches it
 * again. Blocking JDBC runs on a worker pool of its own, never on the event loop.
 */
@ApplicationScoped
public class SharedStore {

    /** Whether decisions are shared right now. */
    public enum State {
        /** Not configured: a single gateway, each decision is this instance's. */
        OFF,
        /** Decisions are shared across instances. */
        UP,
        /** Configured but unreachable: this instance decides alone (degraded) until a probe succeeds. */
        DOWN
    }

    /** Bucket4j's rows: one per principal, budget and limit. */
    public static final String BUCKETS = "gateway_rate_limit_bucket";
    /** Nonces of redeemed WebSocket tickets, kept until their ticket has expired. */
    public static final String NONCES = "gateway_ws_ticket_nonce";

    private static final Logger LOG = Logger.getLogger(SharedStore.class);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);
    /** Nonces are purged this long after their ticket expired: a gateway whose clock lags still finds them. */
    private static final Duration NONCE_GRACE = Duration.ofMinutes(1);
    /** Any constant: makes concurrent first starts of several gateways create the tables one after the other. */
    private static final long SCHEMA_LOCK = 0x706c6179_67770001L;
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final String WARM_UP_KEY = "gateway-probe";
    private static final BucketConfiguration WARM_UP = BucketConfiguration.builder()
            .addLimit(limit -> limit.capacity(1).refillGreedy(1, Duration.ofMillis(1))).build();
    private static final StoreUnavailable UNAVAILABLE = new StoreUnavailable();

    private final Vertx vertx;
    private final DataSource dataSource;
    private final Duration timeout;
    private final Duration retryInterval;
    private final int concurrency;
    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final AtomicReference<State> state;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile WorkerExecutor workers;
    private long probeTimer = -1;
    private long purgeTimer = -1;

    @Inject
    SharedStore(GatewayConfig config, Vertx vertx, Instance<DataSource> dataSource) {
        this(vertx, config.sharedState().enabled() ? dataSource.get() : null, config.sharedState().timeout(),
                config.sharedState().retryInterval(), config.sharedState().concurrency());
    }

    /** A store on {@code dataSource}; null for none ({@link State#OFF}). Nothing happens before {@link #start()}. */
    public SharedStore(Vertx vertx, DataSource dataSource, Duration timeout, Duration retryInterval, int concurrency) {
        this.vertx = vertx;
        this.dataSource = dataSource;
        this.timeout = timeout;
        this.retryInterval = retryInterval;
        this.concurrency = concurrency;
        this.state = new AtomicReference<>(dataSource == null ? State.OFF : State.DOWN);
        this.buckets = dataSource == null ? null : Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table(BUCKETS).idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                // A row is worth keeping only while its bucket is not full again.
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        close();
    }

    /** Connects in the background (the store is DOWN until then) and keeps probing while it is down. */
    public synchronized void start() {
        if (dataSource == null || workers != null) {
            return;
        }
        workers = vertx.createSharedWorkerExecutor("gateway-shared-state-" + POOLS.incrementAndGet(), concurrency,
                1, TimeUnit.MINUTES);
        probe();
        probeTimer = vertx.setPeriodic(retryInterval.toMillis(), id -> {
            if (state.get() == State.DOWN) {
                probe();
            }
        });
        purgeTimer = vertx.setPeriodic(PURGE_EVERY.toMillis(), id -> purge());
    }

    public synchronized void close() {
        if (workers != null) {
            state.set(State.DOWN); // whatever still asks decides alone instead of reaching a closed pool
            vertx.cancelTimer(probeTimer);
            vertx.cancelTimer(purgeTimer);
            workers.close();
            workers = null;
        }
    }

    public State state() {
        return state.get();
    }

    /** True when decisions can be shared now. */
    public boolean available() {
        return state.get() == State.UP;
    }

    /** Bucket4j's view of the bucket table; empty when the store is {@link State#OFF}. */
    public Optional<ProxyManager<String>> buckets() {
        return Optional.ofNullable(buckets);
    }

    /**
     * Runs {@code work} against PostgreSQL off the event loop. Fails at once when the store is not UP, and after
     * {@code timeout} at the latest; any failure marks the store DOWN. The caller decides alone then.
     */
    public <T> Future<T> call(String what, Callable<T> work) {
        WorkerExecutor pool = workers;
        if (pool == null || state.get() != State.UP) {
            return Future.failedFuture(UNAVAILABLE);
        }
        return pool.<T>executeBlocking(() -> {
            if (state.get() != State.UP) {
                throw UNAVAILABLE; // went down while this waited for a thread
            }
            return work.call();
        }, false).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).onFailure(failure -> down(what, failure));
    }

    /**
     * Records the first redemption of a ticket's nonce for every instance: true when no instance redeemed it before.
     * The primary key decides between two gateways redeeming the same ticket at the same moment.
     */
    public Future<Boolean> firstRedemption(String nonce, long expiresAtMillis) {
        return call("ticket redemption", () -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO " + NONCES
                            + " (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING")) {
                insert.setString(1, nonce);
                insert.setLong(2, expiresAtMillis);
                return insert.executeUpdate() == 1;
            }
        });
    }

    private void probe() {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        workers.<Void>executeBlocking(() -> {
            try (Connection c = dataSource.getConnection()) {
                ensureSchema(c);
            }
            // A whole bucket operation here, not in a request: the first one (class loading, the pool's connection,
            // Bucket4j's serialisation) took most of a second, which would count against that request's timeout.
            // It also proves the rights on the table. Its row expires at once and goes with the next purge.
            buckets.builder().build(WARM_UP_KEY, () -> WARM_UP).tryConsumeAndReturnRemaining(1);
            return null;
        }, false).onComplete(result -> {
            probing.set(false);
            if (result.succeeded() && workers != null) { // not closed meanwhile
                if (state.getAndSet(State.UP) != State.UP) {
                    LOG.info("Shared state in PostgreSQL reached: rate limits and ticket single-use hold across gateway"
                            + " instances");
                }
            } else {
                LOG.debugf("Shared state in PostgreSQL still unreachable: %s", result.cause().toString());
            }
        });
    }

    private void down(String what, Throwable failure) {
        if (failure != UNAVAILABLE && state.compareAndSet(State.UP, State.DOWN)) {
            LOG.warnf("Shared state in PostgreSQL unavailable (%s: %s): each gateway instance limits on its own until"
                    + " it is back; retrying every %d ms", what, failure.toString(), retryInterval.toMillis());
        }
    }

    /** Drops rows nobody needs any more; not on any request's path, so neither bound by the timeout nor marking DOWN. */
    private void purge() {
        if (state.get() != State.UP) {
            return;
        }
        workers.<Integer>executeBlocking(() -> {
            int removed = 0;
            for (int i = 0, batch = 1; i < 10 && batch > 0; i++) {
                batch = buckets.removeExpired(1000);
                removed += batch;
            }
            try (Connection c = dataSource.getConnection();
                    PreparedStatement delete = c.prepareStatement("DELETE FROM " + NONCES + " WHERE expires_at < ?")) {
                delete.setLong(1, System.currentTimeMillis() - NONCE_GRACE.toMillis());
                removed += delete.executeUpdate();
            }
            return removed;
        }, false).onComplete(result -> LOG.debugf("Purge of expired shared state: %s",
                result.succeeded() ? result.result() + " rows" : result.cause().toString()));
    }

    private static void ensureSchema(Connection c) throws SQLException {
        if (exists(c, BUCKETS) && exists(c, NONCES)) {
            return; // also lets an operator pre-create the tables for a role without CREATE rights
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS " + BUCKETS + " (id TEXT PRIMARY KEY, state BYTEA, expires_at BIGINT)");
            s.execute("CREATE INDEX IF NOT EXISTS " + BUCKETS + "_expires_at ON " + BUCKETS + " (expires_at)");
            s.execute("CREATE TABLE IF NOT EXISTS " + NONCES + " (nonce TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS " + NONCES + "_expires_at ON " + NONCES + " (expires_at)");
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The store is not UP: the caller decides alone. */
    static final class StoreUnavailable extends RuntimeException {
        StoreUnavailable() {
            super("shared state unavailable", null, false, false);
        }
    }
}
