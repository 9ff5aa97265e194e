package dev.playground.gateway.shared;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.testing.TestSecrets;
import dev.playground.gateway.Eventually;
import dev.playground.gateway.TestPostgres;
import dev.playground.gateway.auth.WebSocketTickets;
import dev.playground.gateway.ratelimit.RateLimiter;
import dev.playground.gateway.routing.Budget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two gateway instances (each its own store, limiter and tickets, as two processes would have) on one real
 * PostgreSQL, and a hostile principal who spreads requests and tickets over both, races them, and waits for the
 * database to fail.
 */
class SharedStateAcrossGatewaysTest {

    /** Session creation: 5 an hour, so nothing refills while a test runs. */
    private static final long SESSIONS = 5;
    /** The general budget, for the concurrent story: 20 an hour. */
    private static final long GENERAL = 20;
    /** Generous: here a connection is opened per operation, on a machine others share. */
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** The default, for the story about a database that stops answering. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);

    private static TestPostgres postgres;
    private static Vertx vertx;
    private static final AtomicInteger PRINCIPALS = new AtomicInteger();

    private Gateway a;
    private Gateway b;

    /** One gateway instance's shared-state parts. */
    record Gateway(SharedStore store, RateLimiter limiter, WebSocketTickets tickets) {

        static Gateway on(DataSource dataSource, Duration timeout) {
            SharedStore store = new SharedStore(vertx, dataSource, timeout, Duration.ofMillis(300), 4);
            RateLimiter limiter = new RateLimiter(Map.of(
                    Budget.SESSION_CREATION, new RateLimiter.Limit(SESSIONS, Duration.ofHours(1)),
                    Budget.GENERAL, new RateLimiter.Limit(GENERAL, Duration.ofHours(1)),
                    Budget.EXECUTIONS, new RateLimiter.Limit(60, Duration.ofMinutes(1)),
                    Budget.PREVIEW, new RateLimiter.Limit(600, Duration.ofMinutes(1))), store);
            WebSocketTickets tickets = new WebSocketTickets(TestSecrets.INTERNAL.getBytes(UTF_8), Duration.ofSeconds(30),
                    Clock.systemUTC(), store);
            store.start();
            return new Gateway(store, limiter, tickets);
        }

        boolean allows(String principal, Budget budget) {
            return await(limiter.consume(principal, budget)).allowed();
        }

        Optional<String> redeem(String ticket) {
            return await(tickets.redeem(ticket));
        }
    }

    @BeforeAll
    static void startPostgres() {
        postgres = TestPostgres.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopPostgres() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        postgres.close();
    }

    @BeforeEach
    void twoGateways() {
        a = Gateway.on(postgres.dataSource(), TIMEOUT);
        b = Gateway.on(postgres.dataSource(), TIMEOUT);
        Eventually.until("both gateways reach PostgreSQL", Duration.ofSeconds(20),
                () -> a.store().available() && b.store().available());
    }

    @AfterEach
    void closeGateways() {
        a.store().close();
        b.store().close();
    }

    @Test
    void aPrincipalSpreadingRequestsOverTwoGatewaysGetsTheBudgetOnceNotTwice() {
        String principal = fresh("spreader");
        int allowed = 0;
        List<String> refusedOn = new ArrayList<>();
        for (int i = 0; i < 4 * SESSIONS; i++) {
            Gateway gateway = i % 2 == 0 ? a : b;
            if (gateway.allows(principal, Budget.SESSION_CREATION)) {
                allowed++;
            } else {
                refusedOn.add(gateway == a ? "A" : "B");
            }
        }
        assertEquals(SESSIONS, allowed, "exactly the budget, whichever gateway the requests landed on");
        assertTrue(refusedOn.contains("A") && refusedOn.contains("B"), "both gateways refuse: " + refusedOn);
        // Another principal's budget is untouched.
        assertTrue(b.allows(fresh("bystander"), Budget.SESSION_CREATION));
    }

    @Test
    void concurrentRequestsOnBothGatewaysNeverOverspendTheBudget() throws Exception {
        String principal = fresh("racer");
        AtomicInteger allowed = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            Gateway gateway = t % 2 == 0 ? a : b;
            done.add(threads.submit(() -> {
                go.await();
                for (int i = 0; i < 5; i++) {
                    if (gateway.allows(principal, Budget.GENERAL)) {
                        allowed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (var f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertEquals(GENERAL, allowed.get(), "80 racing requests over two gateways, a budget of 20");
        assertTrue(a.store().available() && b.store().available(), "the race never looked like an outage");
    }

    @Test
    void aFloodPastTheBudgetIsRefusedWithoutAskingTheDatabaseSoItCannotMakeTheStoreLookDown() {
        // A hostile principal who wants the per-instance fallback (N times the budget) floods to slow PostgreSQL down.
        String principal = fresh("flooder");
        for (int i = 0; i < SESSIONS; i++) {
            assertTrue(a.allows(principal, Budget.SESSION_CREATION));
        }
        postgres.pause(); // from here, any question to the database would time out and mark the store DOWN
        try {
            long started = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                assertTrue(!a.allows(principal, Budget.SESSION_CREATION));
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < 1000, "1000 refusals from memory: " + tookMillis + " ms");
            assertEquals(SharedStore.State.UP, a.store().state(), "the database was never asked");
        } finally {
            postgres.unpause();
        }
    }

    @Test
    void aTicketIsRedeemedOnceAcrossGatewaysEvenWhenRacing() throws Exception {
        String ticket = a.tickets().issue("alice").ticket();
        assertEquals(Optional.of("alice"), b.redeem(ticket), "issued on A, redeemed on B");
        assertEquals(Optional.empty(), a.redeem(ticket), "and no longer on A, which never saw it redeemed");

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 20; i++) {
                String raced = a.tickets().issue("alice").ticket();
                CountDownLatch go = new CountDownLatch(1);
                var onA = threads.submit(() -> {
                    go.await();
                    return a.redeem(raced);
                });
                var onB = threads.submit(() -> {
                    go.await();
                    return b.redeem(raced);
                });
                go.countDown();
                int successes = (onA.get(10, TimeUnit.SECONDS).isPresent() ? 1 : 0)
                        + (onB.get(10, TimeUnit.SECONDS).isPresent() ? 1 : 0);
                assertEquals(1, successes, "one ticket upgraded on two gateways at the same moment: once");
            }
        } finally {
            threads.shutdown();
        }
    }

    @Test
    void withPostgresStoppedEachGatewayStillLimitsOnItsOwnAndAnswersAtOnce() {
        String principal = fresh("outage");
        String ticket = a.tickets().issue("alice").ticket();
        postgres.stop();
        try {
            // Each gateway enforces the full budget on what it sees: never unlimited, never an error, and the error
            // bound is the number of gateways (two here) times the budget.
            for (Gateway gateway : List.of(a, b)) {
                int allowed = 0;
                for (int i = 0; i < 3 * SESSIONS; i++) {
                    long started = System.nanoTime();
                    if (gateway.allows(principal, Budget.SESSION_CREATION)) {
                        allowed++;
                    }
                    assertTrue(System.nanoTime() - started < Duration.ofSeconds(2).toNanos(), "answered at once");
                }
                assertEquals(SESSIONS, allowed, "the local budget, and no more");
                assertEquals(SharedStore.State.DOWN, gateway.store().state());
            }
            // Degraded single use: once per instance, no more.
            assertEquals(Optional.of("alice"), a.redeem(ticket));
            assertEquals(Optional.empty(), a.redeem(ticket));
            assertEquals(Optional.of("alice"), b.redeem(ticket));
            assertEquals(Optional.empty(), b.redeem(ticket));
        } finally {
            postgres.startAgain();
        }
        Eventually.until("both gateways share state again", Duration.ofSeconds(20),
                () -> a.store().available() && b.store().available());
        String after = fresh("after-outage");
        int allowed = 0;
        for (int i = 0; i < 4 * SESSIONS; i++) {
            allowed += (i % 2 == 0 ? a : b).allows(after, Budget.SESSION_CREATION) ? 1 : 0;
        }
        assertEquals(SESSIONS, allowed, "the budget is shared again");
    }

    @Test
    void aDatabaseThatStopsAnsweringCostsARequestNoMoreThanTheTimeout() {
        Gateway gateway = Gateway.on(postgres.dataSource(), SHORT_TIMEOUT);
        try {
            Eventually.until("the gateway reaches PostgreSQL", Duration.ofSeconds(20), () -> gateway.store().available());
            String principal = fresh("frozen");
            postgres.pause();
            try {
                long started = System.nanoTime();
                assertTrue(gateway.allows(principal, Budget.SESSION_CREATION), "decided locally");
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMillis < SHORT_TIMEOUT.toMillis() + 700, "waited " + tookMillis + " ms");
                assertEquals(SharedStore.State.DOWN, gateway.store().state());
                started = System.nanoTime();
                for (int i = 1; i < SESSIONS; i++) {
                    assertTrue(gateway.allows(principal, Budget.SESSION_CREATION));
                }
                assertTrue(!gateway.allows(principal, Budget.SESSION_CREATION), "the local budget still holds");
                tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMillis < 200, "while down, nobody waits for the database: " + tookMillis + " ms");
            } finally {
                postgres.unpause();
            }
            Eventually.until("the gateway shares state again", Duration.ofSeconds(30), () -> gateway.store().available());
        } finally {
            gateway.store().close();
        }
    }

    private static String fresh(String name) {
        return name + "-" + PRINCIPALS.incrementAndGet() + "-" + System.nanoTime();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
