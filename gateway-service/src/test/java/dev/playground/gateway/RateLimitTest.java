package dev.playground.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestBackends.class)
class RateLimitTest {

    private static Response createSession(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"template\":\"python\"}").post("/api/v1/sessions");
    }

    @Test
    void sessionCreationBudgetRunsOutPerPrincipalAndComesBack() throws Exception {
        // %test budget: 3 session creations per 15 s.
        for (int i = 0; i < 3; i++) {
            createSession(TestBackends.CAROL_KEY).then().statusCode(200)
                    .header("RateLimit-Policy", "3;w=15")
                    .header("RateLimit", startsWith("limit=3, remaining=" + (2 - i)));
        }
        Response refused = createSession(TestBackends.CAROL_KEY);
        refused.then().statusCode(429)
                .contentType("application/problem+json")
                .header("RateLimit", startsWith("limit=3, remaining=0"))
                .body("detail", containsString("session creation budget"));
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));

        // Other budgets of the same principal, and other principals, are untouched.
        given().header("Authorization", "Bearer " + TestBackends.CAROL_KEY).get("/api/v1/sessions")
                .then().statusCode(200).body("principal", equalTo("carol"));
        createSession(TestBackends.BOB_KEY).then().statusCode(200);

        // Retry-After tells the truth: the budget comes back within it (and a little scheduling slack).
        Eventually.until("carol's budget is back", Duration.ofSeconds(retryAfter + 2),
                () -> createSession(TestBackends.CAROL_KEY).statusCode() == 200);
    }
}
