package dev.playground.gateway;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.testing.TestSecrets;
import dev.playground.gateway.auth.WebSocketTickets;
import dev.playground.gateway.ratelimit.RateLimiter;
import dev.playground.gateway.routing.Budget;
import dev.playground.gateway.shared.SharedStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real gateway with its shared state in a real PostgreSQL, next to a second gateway instance (the same store,
 * limiter and tickets, built by hand on the same database): budgets and tickets hold across both, and with PostgreSQL
 * stopped the gateway keeps answering, limits on its own and says it is degraded.
 *
 * <p>The database is a resource of the whole test run (Quarkus applies every class's resources to every test), so
 * every {@code @QuarkusTest} here runs with shared state on, as a deployment of several gateways does. No test
 * profile: after the restart one causes, the stand-in services answered WebSocket upgrades as plain requests.
 */
@QuarkusTest
@QuarkusTestResource(TestBackends.class)
@QuarkusTestResource(SharedStateTest.Database.class)
class SharedStateTest {

    /** The %test session-creation budget. */
    private static final RateLimiter.Limit SESSIONS = new RateLimiter.Limit(3, Duration.ofSeconds(15));

    /** The gateway's PostgreSQL, which the test stops and starts again. */
    public static class Database implements QuarkusTestResourceLifecycleManager {
        static TestPostgres postgres;

        @Override
        public Map<String, String> start() {
            postgres = TestPostgres.start();
            return Map.of("gateway.shared-state.enabled", "true",
                    "gateway.shared-state.retry-interval", "300ms",
                    "gateway.shared-state.timeout", "2s",
                    "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                    "quarkus.datasource.username", TestPostgres.USER,
                    "quarkus.datasource.password", TestPostgres.PASSWORD);
        }

        @Override
        public void stop() {
            postgres.close();
        }
    }

    private SharedStore otherStore;
    private RateLimiter otherLimiter;
    private WebSocketTickets otherTickets;

    @BeforeEach
    void anotherGatewayInstanceOnTheSameDatabase() {
        otherStore = new SharedStore(TestBackends.vertx, Database.postgres.dataSource(), Duration.ofSeconds(3),
                Duration.ofMillis(300), 2);
        otherLimiter = new RateLimiter(Map.of(Budget.SESSION_CREATION, SESSIONS,
                Budget.GENERAL, new RateLimiter.Limit(600, Duration.ofMinutes(1)),
                Budget.EXECUTIONS, new RateLimiter.Limit(60, Duration.ofMinutes(1)),
                Budget.PREVIEW, new RateLimiter.Limit(3000, Duration.ofMinutes(1))), otherStore);
        otherTickets = new WebSocketTickets(TestSecrets.INTERNAL.getBytes(UTF_8), Duration.ofSeconds(30),
                Clock.systemUTC(), otherStore);
        otherStore.start();
        Eventually.until("both instances share state", Duration.ofSeconds(30), () -> otherStore.available()
                && "UP".equals(given().get("/api/v1/health").then().extract().path("gateway.sharedState")));
    }

    @AfterEach
    void closeTheOtherInstance() {
        otherStore.close();
    }

    private static Response createSession(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"template\":\"python\"}").post("/api/v1/sessions");
    }

    @Test
    void aBudgetSpentOnAnotherGatewayIsSpentHereAndTicketsWorkOnceAnywhere() throws Exception {
        drainOnTheOtherInstance("dave");
        // Refused, or (when a token trickled back meanwhile) let through with nothing left: either way the budget the
        // other instance spent, where a gateway on its own would still report remaining=2.
        createSession(TestBackends.DAVE_KEY).then().header("RateLimit", startsWith("limit=3, remaining=0"));
        drainOnTheOtherInstance("dave");
        Response refused = createSession(TestBackends.DAVE_KEY);
        if (refused.statusCode() == 429) {
            refused.then().body("detail", containsString("session creation budget")).header("Retry-After", notNullValue());
        }

        // A ticket from the other instance opens a WebSocket here, once.
        String fromOther = otherTickets.issue("alice").ticket();
        String stream = "/api/v1/executions/ex-1/stream?ticket=";
        try (WsClient ws = WsClient.connect(stream + fromOther, MultiMap.caseInsensitiveMultiMap()).client()) {
            assertTrue(ws.next().contains("\"principal\":\"alice\""));
        }
        assertEquals(401, WsClient.connect(stream + fromOther, MultiMap.caseInsensitiveMultiMap()).status());

        // A ticket this gateway issued and the other instance redeemed first is used up here too.
        String fromHere = given().header("Authorization", "Bearer " + TestBackends.ALICE_KEY).post("/api/v1/ws-tickets")
                .then().statusCode(201).extract().path("ticket");
        assertEquals(Optional.of("alice"), await(otherTickets.redeem(fromHere)));
        assertEquals(401, WsClient.connect(stream + fromHere, MultiMap.caseInsensitiveMultiMap()).status());
    }

    @Test
    void withPostgresStoppedTheGatewayAnswersLimitsOnItsOwnAndSaysItIsDegraded() throws Exception {
        Database.postgres.stop();
        try {
            // The local budget: three answers at once, then 429.
            for (int i = 0; i < SESSIONS.capacity(); i++) {
                long started = System.nanoTime();
                createSession(TestBackends.ERIN_KEY).then().statusCode(200)
                        .header("RateLimit", startsWith("limit=3, remaining=" + (SESSIONS.capacity() - 1 - i)));
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3), "answered without the database");
            }
            Response refused = null;
            for (int i = 0; i < 10 && refused == null; i++) {
                Response answer = createSession(TestBackends.ERIN_KEY);
                refused = answer.statusCode() == 429 ? answer : null;
            }
            assertTrue(refused != null, "the local budget refuses");
            refused.then().contentType("application/problem+json");
            assertTrue(Integer.parseInt(refused.header("Retry-After")) > 0);

            given().get("/api/v1/health").then().statusCode(200)
                    .body("status", equalTo("UP"))
                    .body("gateway.status", equalTo("DEGRADED"))
                    .body("gateway.sharedState", equalTo("DOWN"));
            given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'shared-state' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'shared-state' }.data.state", equalTo("DOWN"));

            // Tickets still work, single-use on this instance.
            String ticket = given().header("Authorization", "Bearer " + TestBackends.ALICE_KEY)
                    .post("/api/v1/ws-tickets").then().statusCode(201).extract().path("ticket");
            String uri = "/api/v1/executions/ex-2/stream?ticket=" + ticket;
            WsClient.Result first = WsClient.connect(uri, MultiMap.caseInsensitiveMultiMap());
            assertEquals(101, first.status());
            first.client().close();
            assertEquals(401, WsClient.connect(uri, MultiMap.caseInsensitiveMultiMap()).status());
        } finally {
            Database.postgres.startAgain();
        }

        Eventually.until("the gateway shares state again", Duration.ofSeconds(30),
                () -> "UP".equals(given().get("/api/v1/health").then().extract().path("gateway.sharedState")));
        drainOnTheOtherInstance("dave");
        createSession(TestBackends.DAVE_KEY).then().header("RateLimit", startsWith("limit=3, remaining=0"));
    }

    /** Spends the principal's session-creation budget on the other instance, to the last token. */
    private void drainOnTheOtherInstance(String principal) {
        int spent = 0;
        while (await(otherLimiter.consume(principal, Budget.SESSION_CREATION)).allowed()) {
            assertTrue(++spent < 100, "the other instance's budget runs out");
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
