package dev.playground.contract.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** What an operator's probes see of a service under test: ready with its real checks, and alive. */
public final class ServiceHealth {

    /** Ready (200, UP), with at least these named checks, each answering. */
    public static void ready(String... checks) {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(checks));
    }

    /** Alive (200, UP). */
    public static void alive() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    private ServiceHealth() {
    }
}
