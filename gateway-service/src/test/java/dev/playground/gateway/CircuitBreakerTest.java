package dev.playground.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import dev.playground.gateway.proxy.Downstreams;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.MultiMap;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestBackends.class)
class CircuitBreakerTest {

    @Inject
    Downstreams downstreams;

    private static Response runtimes() {
        return given().header("Authorization", "Bearer " + TestBackends.BOB_KEY).get("/api/v1/runtimes");
    }

    @Test
    void aStoppedServiceGetsFastProblemsThenTrafficFlowsAgainWhenItReturns() throws Exception {
        runtimes().then().statusCode(200);
        TestBackends.stopServer("executor-service");
        try {
            runtimes().then().statusCode(503).contentType("application/problem+json")
                    .body("detail", containsString("executor-service cannot be reached"));
            for (int i = 0; i < 4; i++) {
                runtimes();
            }
            // "is failing" is the open breaker's own answer: the call was not even tried.
            runtimes().then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", "1")
                    .body("detail", containsString("executor-service is failing"));
            // OPEN, or HALF_OPEN once the delay has passed and a trial call may go through.
            given().get("/api/v1/health").then().statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body("services.'executor-service'.status", equalTo("DOWN"))
                    .body("services.'executor-service'.circuitBreaker", not(equalTo("CLOSED")))
                    .body("services.'session-service'.status", equalTo("UP"));
            // WebSockets to the stopped service are refused the same way... terminal-service is fine:
            MultiMap auth = MultiMap.caseInsensitiveMultiMap().add("X-Api-Key", TestBackends.BOB_KEY);
            try (WsClient ws = WsClient.connect("/api/v1/executions/e1/stream", auth).client()) {
                assertTrue(ws.next().contains("terminal-service"));
            }
            // ...and the other services keep answering.
            given().header("X-Api-Key", TestBackends.BOB_KEY).get("/api/v1/sessions").then().statusCode(200);
        } finally {
            TestBackends.restartServer("executor-service");
        }
        // %test breaker delay is 1 s; then a trial call goes through and closes it.
        Eventually.until("a trial call reaches the executor again", Duration.ofSeconds(10),
                () -> runtimes().statusCode() == 200);
        runtimes().then().statusCode(200).body("service", equalTo("executor-service"));
        runtimes().then().statusCode(200);
        given().get("/api/v1/health").then().statusCode(200)
                .body("services.'executor-service'.circuitBreaker", equalTo("CLOSED"));
    }

    @Test
    void failuresFromLongAgoDoNotOpenTheBreakerOnLaterSuccesses() throws Exception {
        // A fresh window: open the breaker, let the service return, close it with a trial call.
        TestBackends.stopServer("executor-service");
        try {
            for (int i = 0; i < 6; i++) {
                runtimes();
            }
        } finally {
            TestBackends.restartServer("executor-service");
        }
        Eventually.until("the breaker lets a trial call through", Duration.ofSeconds(10),
                () -> runtimes().statusCode() == 200);
        given().get("/api/v1/health").then().body("services.'executor-service'.circuitBreaker", equalTo("CLOSED"));

        // Failures age on a clock this test drives: it moves time past forget-failures-after instead of sleeping.
        AtomicLong now = new AtomicLong(System.nanoTime());
        LongSupplier realClock = downstreams.useTicker(now::get);
        try {
            // Two failures, too few to fill the window of 4 (as while a service restarts behind a restarted gateway)...
            TestBackends.stopServer("executor-service");
            try {
                runtimes().then().statusCode(503);
                runtimes().then().statusCode(503);
            } finally {
                TestBackends.restartServer("executor-service");
            }
            // ...then the service is back for longer than failures count (%test: 2 s): its answers all pass, where
            // the window [fail, fail, ok, ok] used to open the breaker on the second success.
            now.addAndGet(Duration.ofSeconds(2).plusMillis(1).toNanos());
            for (int i = 0; i < 6; i++) {
                runtimes().then().statusCode(200);
            }
        } finally {
            downstreams.useTicker(realClock);
        }
        given().get("/api/v1/health").then().body("services.'executor-service'.circuitBreaker", equalTo("CLOSED"));
    }

    @Test
    void answersOfAServiceEvenErrorsDoNotTripItsBreakerButItsUnavailabilityDoes() throws Exception {
        for (int i = 0; i < 8; i++) {
            given().header("X-Api-Key", TestBackends.BOB_KEY).get("/api/v1/sessions/missing").then().statusCode(404);
        }
        given().header("X-Api-Key", TestBackends.BOB_KEY).get("/api/v1/sessions").then().statusCode(200);
        given().get("/api/v1/health").then()
                .body("services.'session-service'.circuitBreaker", equalTo("CLOSED"));

        // A service shedding load (its own 503 problem with Retry-After) is alive: its answer reaches the caller every
        // time and trips nothing, so one principal's back-pressure never closes the service to everyone.
        for (int i = 0; i < 8; i++) {
            given().header("X-Api-Key", TestBackends.BOB_KEY).get("/api/v1/sessions/s1/terminal?overloaded")
                    .then().statusCode(503).header("Retry-After", "1")
                    .body("detail", equalTo("terminal-service is overloaded"));
        }
        given().get("/api/v1/health").then()
                .body("services.'terminal-service'.circuitBreaker", equalTo("CLOSED"));

        // A bare 503 (no problem document: the service cannot serve) counts as a failure, so within one window
        // (4 calls at ratio 0.5) the gateway stops asking it.
        int calls = 0;
        String detail;
        do {
            var reply = given().header("X-Api-Key", TestBackends.BOB_KEY).get("/api/v1/sessions/s1/terminal?broken")
                    .then().statusCode(503).extract();
            detail = reply.contentType().startsWith("application/problem+json") ? reply.path("detail") : reply.asString();
            calls++;
        } while (detail.equals("Service Unavailable") && calls < 10);
        assertTrue(detail.contains("terminal-service is failing"), detail);
        assertTrue(calls <= 5, "breaker opened after " + calls + " calls");
        given().get("/api/v1/health").then()
                .body("services.'terminal-service'.circuitBreaker", equalTo("OPEN"));
        Eventually.until("the breaker lets a trial call to terminal-service through", Duration.ofSeconds(10),
                () -> given().header("X-Api-Key", TestBackends.BOB_KEY).get("/api/v1/sessions/s1/terminal")
                        .statusCode() == 200);
        given().get("/api/v1/health").then()
                .body("services.'terminal-service'.circuitBreaker", equalTo("CLOSED"));
    }

    @Test
    void aServiceTooSlowToAnswerGetsA504() {
        // %test default timeout is 1 s; the stand-in answers .../slow after 1.5 s.
        given().header("X-Api-Key", TestBackends.BOB_KEY).get("/api/v1/sessions/s1/files/slow").then()
                .statusCode(504).contentType("application/problem+json")
                .body("detail", containsString("did not answer in time"));
    }
}
