package dev.playground.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestBackends.class)
class RoutingTest {

    private static Response call(String method, String path) {
        return given().header("Authorization", "Bearer " + TestBackends.ALICE_KEY).request(method, path);
    }

    private static void routesTo(String method, String path, String service) {
        call(method, path).then()
                .statusCode(200)
                .body("service", equalTo(service))
                .body("method", equalTo(method))
                .body("uri", equalTo(path))
                .body("principal", equalTo("alice"));
    }

    @Test
    void eachPublicEndpointReachesTheServiceThatOwnsItWithTheSamePath() {
        routesTo("POST", "/api/v1/executions", "executor-service");
        routesTo("POST", "/api/v1/executions?wait=true", "executor-service");
        routesTo("POST", "/api/v1/executions/ex-1/cancel", "executor-service");
        routesTo("GET", "/api/v1/runtimes", "executor-service");
        routesTo("GET", "/api/v1/executions?sessionId=s1&limit=5", "session-service");
        routesTo("GET", "/api/v1/executions/ex-1", "session-service");
        routesTo("POST", "/api/v1/sessions", "session-service");
        routesTo("GET", "/api/v1/sessions", "session-service");
        routesTo("GET", "/api/v1/sessions/s1", "session-service");
        routesTo("DELETE", "/api/v1/sessions/s1", "session-service");
        routesTo("POST", "/api/v1/sessions/s1/stop", "session-service");
        routesTo("GET", "/api/v1/sessions/s1/files?path=src", "session-service");
        routesTo("GET", "/api/v1/sessions/s1/files/src/.env", "session-service");
        routesTo("POST", "/api/v1/sessions/s1/exec", "session-service");
    }

    @Test
    void internalAndUnknownPathsAreNeverRouted() {
        call("GET", "/internal/sessions/s1").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("No public endpoint"));
        call("GET", "/api/v1/internal/sessions/s1").then().statusCode(404).contentType("application/problem+json");
        call("GET", "/api/v1/sessions/../../internal/sessions/s1").then().statusCode(400).contentType("application/problem+json");
        given().urlEncodingEnabled(false).header("Authorization", "Bearer " + TestBackends.ALICE_KEY)
                .get("/api/v1/sessions/s1/files/%2e%2e/%2e%2e/etc").then().statusCode(400);
        call("PUT", "/api/v1/runtimes").then().statusCode(404);
    }

    @Test
    void requestsWithoutAValidKeyAreRefusedBeforeAnyServiceSeesThem() {
        given().get("/api/v1/runtimes").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("detail", containsString("Authorization: Bearer"));
        given().header("Authorization", "Bearer wrong").get("/api/v1/runtimes").then().statusCode(401)
                .body("detail", containsString("not valid"));
        given().header("X-Api-Key", TestBackends.BOB_KEY).get("/api/v1/runtimes").then().statusCode(200)
                .body("principal", equalTo("bob"))
                .body("apiKeyForwarded", equalTo(false));
    }

    @Test
    void aPrincipalHeaderFromOutsideIsReplacedByTheAuthenticatedOne() {
        given().header("Authorization", "Bearer " + TestBackends.BOB_KEY)
                .header("X-Playground-Principal", "alice")
                .header("X-Playground-Principal-Signature", "v1.1.forged")
                .get("/api/v1/sessions").then().statusCode(200)
                .body("principal", equalTo("bob"))
                .body("principalHeaders", equalTo(1))
                .body("signed", equalTo(true));
    }

    @Test
    void everyRequestCarriesARequestIdThatReachesTheServiceAndComesBack() {
        Response generated = call("GET", "/api/v1/runtimes");
        String id = generated.header("X-Request-Id");
        assertEquals(id, generated.jsonPath().getString("requestId"));
        generated.then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));

        given().header("Authorization", "Bearer " + TestBackends.ALICE_KEY).header("X-Request-Id", "trace-42")
                .get("/api/v1/runtimes").then().header("X-Request-Id", "trace-42").body("requestId", equalTo("trace-42"));
        // Gateway-made errors carry it too.
        given().header("X-Request-Id", "trace-43").get("/api/v1/runtimes").then().statusCode(401)
                .header("X-Request-Id", "trace-43").body("requestId", equalTo("trace-43"));
    }

    @Test
    void aServicesOwnAnswerIsPassedThroughUntouched() {
        call("GET", "/api/v1/sessions/missing").then().statusCode(404)
                .contentType("application/problem+json").body("detail", equalTo("not here"));
    }

    @Test
    void bodiesAreCheckedForSizeAndTypeAndStreamedThrough() {
        String json = new JsonObject().put("language", "python").put("code", "print(1)").encode();
        given().header("Authorization", "Bearer " + TestBackends.ALICE_KEY).contentType("application/json").body(json)
                .post("/api/v1/executions").then().statusCode(200).body("bodyBytes", equalTo(json.length()));
        given().header("Authorization", "Bearer " + TestBackends.ALICE_KEY).contentType("text/plain").body(json)
                .post("/api/v1/executions").then().statusCode(415).contentType("application/problem+json")
                .body("detail", containsString("application/json"));
        byte[] big = new byte[300 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        given().header("Authorization", "Bearer " + TestBackends.ALICE_KEY).contentType("application/json").body(big)
                .post("/api/v1/sessions").then().statusCode(413).contentType("application/problem+json")
                .body("maxBytes", equalTo(256 * 1024));
        // A file upload is raw bytes of any type, and may be larger than a JSON document.
        given().header("Authorization", "Bearer " + TestBackends.ALICE_KEY).contentType("application/octet-stream")
                .body(big).put("/api/v1/sessions/s1/files/data/blob.bin").then().statusCode(200)
                .body("service", equalTo("session-service")).body("bodyBytes", equalTo(big.length));
    }

    @Test
    void webSocketsReachTerminalServiceAuthenticatedByHeaderOrTicket() throws Exception {
        MultiMap auth = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + TestBackends.ALICE_KEY)
                .add("X-Playground-Principal", "bob");
        try (WsClient ws = WsClient.connect("/api/v1/sessions/s1/terminal?cols=80&rows=24", auth).client()) {
            JsonObject hello = new JsonObject(ws.next());
            assertEquals("terminal-service", hello.getString("service"));
            assertEquals("/api/v1/sessions/s1/terminal?cols=80&rows=24", hello.getString("uri"));
            assertEquals("alice", hello.getString("principal"));
            ws.send("ls");
            assertEquals("terminal-service echo: ls", ws.next());
        }

        String ticket = call("POST", "/api/v1/ws-tickets").then().statusCode(201)
                .body("expiresAt", notNullValue()).extract().path("ticket");
        String uri = "/api/v1/executions/ex-1/stream?ticket=" + ticket;
        try (WsClient ws = WsClient.connect(uri, MultiMap.caseInsensitiveMultiMap()).client()) {
            JsonObject hello = new JsonObject(ws.next());
            assertEquals("terminal-service", hello.getString("service"));
            assertEquals("alice", hello.getString("principal"));
        }
        // The service's own refusal of an upgrade reaches the client as it is.
        assertEquals(404, WsClient.connect("/api/v1/sessions/someone-elses/terminal", auth).status());
        // A ticket is single-use.
        assertEquals(401, WsClient.connect(uri, MultiMap.caseInsensitiveMultiMap()).status());
        assertEquals(401, WsClient.connect("/api/v1/executions/stream", MultiMap.caseInsensitiveMultiMap()).status());
        MultiMap wrong = MultiMap.caseInsensitiveMultiMap().add("X-Api-Key", "nope");
        assertEquals(401, WsClient.connect("/api/v1/executions/stream", wrong).status());
        // A ticket is no key for plain HTTP.
        String another = call("POST", "/api/v1/ws-tickets").then().extract().path("ticket");
        given().get("/api/v1/runtimes?ticket=" + another).then().statusCode(401);
    }

    @Test
    void corsPreflightFromAnAllowedOrigin() {
        given().header("Origin", "http://localhost:5173").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/api/v1/executions").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://localhost:5173");
        given().header("Origin", "http://localhost:5173").header("Authorization", "Bearer " + TestBackends.ALICE_KEY)
                .get("/api/v1/runtimes").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://localhost:5173")
                .header("Access-Control-Expose-Headers", containsString("X-Request-Id"));
        given().header("Origin", "http://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/api/v1/executions").then().statusCode(403);
    }

    @Test
    void healthOpenApiAndSwaggerNeedNoKey() {
        given().get("/api/v1/health").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("services.'executor-service'.status", equalTo("UP"))
                .body("services.'session-service'.status", equalTo("UP"))
                .body("services.'terminal-service'.status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200);
        String openapi = given().get("/q/openapi").then().statusCode(200).extract().asString();
        for (String path : new String[] {"/api/v1/executions", "/api/v1/sessions/{id}/terminal", "/api/v1/ws-tickets"}) {
            assertFalse(!openapi.contains(path), "OpenAPI describes " + path);
        }
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
