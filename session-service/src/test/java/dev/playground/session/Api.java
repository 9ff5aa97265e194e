package dev.playground.session;

import static io.restassured.RestAssured.given;

import dev.playground.contract.Principal;
import dev.playground.contract.testing.TestSecrets;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** What the tests say to the service, as a given principal. */
final class Api {

    static RequestSpecification as(String owner) {
        return given().header(Principal.HEADER, owner).header(Principal.SIGNATURE_HEADER, TestSecrets.sign(owner))
                .contentType(ContentType.JSON);
    }

    /** Creates a session and returns its id, asserting it came up RUNNING. */
    static String createSession(String owner, Map<String, Object> body) {
        return as(owner).body(body).post("/api/v1/sessions")
                .then().statusCode(201)
                .extract().path("id");
    }

    static String state(String owner, String id) {
        return as(owner).get("/api/v1/sessions/" + id).then().statusCode(200).extract().path("state");
    }

    static Map<String, Object> exec(String owner, String id, String command) {
        return as(owner).body(Map.of("command", command, "timeoutMs", 20000))
                .post("/api/v1/sessions/" + id + "/exec").then().statusCode(200).extract().as(Map.class);
    }

    /** Writes files into the workspace ([{path, content}]). */
    static void sync(String owner, String id, java.util.List<Map<String, String>> files) {
        as(owner).body(files).post("/api/v1/sessions/" + id + "/files:sync").then().statusCode(200);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out waiting for: " + what);
    }

    private Api() {
    }
}
