package dev.playground.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.preview.PreviewToken;
import dev.playground.contract.testing.TestSecrets;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Previews: each session port on an origin of its own ({sessionId}-{port}.preview.localhost), reached through the
 * tunnel server as the token's owner, never on the API's origin.
 */
@QuarkusTest
@QuarkusTestResource(TestBackends.class)
class PreviewTest {

    private static final String SESSION = TestBackends.PREVIEW_SESSION;
    /** The preview origin of port 3000 (the gateway matches the name; the port is the gateway's own). */
    static final String ORIGIN = SESSION + "-3000.preview.localhost:8080";

    private static String token(String session, int port, String owner, Instant expires, String secret) {
        return new PreviewToken(session, port, owner, expires).sign(secret.getBytes(StandardCharsets.UTF_8));
    }

    private static String validToken() {
        return token(SESSION, 3000, "alice", Instant.now().plusSeconds(600), TestSecrets.PREVIEW);
    }

    private static RequestSpecification preview(String origin) {
        return given().redirects().follow(false).header("Host", origin);
    }

    @Test
    void theSignedLinkSetsACookieForThatOriginAloneAndAssetsFollowThroughTheTunnel() {
        String token = validToken();
        // The first visit trades the token for a cookie of this origin only, and the token leaves the URL.
        preview(ORIGIN).get("/index.html?token=" + token + "&theme=dark").then()
                .statusCode(302)
                .header("Location", "/index.html?theme=dark")
                .header("Set-Cookie", allOf(containsString("pg_preview=" + token), containsString("Path=/;"),
                        containsString("HttpOnly"), containsString("SameSite=None"), containsString("Partitioned"),
                        not(containsString("Domain"))));

        int before = TunnelStandIn.CONNECTS.size();
        preview(ORIGIN).cookie("pg_preview", token).cookie("app", "1").get("/assets/app.js?v=2").then()
                .statusCode(200)
                .body("service", equalTo("preview"))
                .body("uri", equalTo("/assets/app.js?v=2"))
                .body("principal", nullValue())
                .body("apiKeyForwarded", equalTo(false))
                // the dev server never sees the gateway's cookie
                .body("cookie", equalTo("app=1"));
        TunnelStandIn.Connect connect = TunnelStandIn.CONNECTS.get(TunnelStandIn.CONNECTS.size() - 1);
        assertTrue(TunnelStandIn.CONNECTS.size() > before, "the request went through the tunnel server");
        assertEquals(new TunnelStandIn.Connect("alice", true, SESSION, 3000), connect);

        // A form post from the page carries the token only in its cookie: forwarded, not redirected.
        preview(ORIGIN).cookie("pg_preview", token).body("x=1").post("/submit").then().statusCode(200)
                .body("method", equalTo("POST")).body("bodyBytes", equalTo(3));
    }

    @Test
    void expiredForgedMissingOrMisdirectedTokensAreRefused() {
        preview(ORIGIN).get("/?token=" + token(SESSION, 3000, "alice", Instant.now().minusSeconds(1), TestSecrets.PREVIEW))
                .then().statusCode(403).contentType("application/problem+json").body("detail", containsString("expired"));
        preview(ORIGIN).get("/?token=" + token(SESSION, 3000, "alice", Instant.now().plusSeconds(600),
                "guessed-secret-guessed-secret-guessed")).then().statusCode(403);
        String forOtherPort = token(SESSION, 3001, "alice", Instant.now().plusSeconds(600), TestSecrets.PREVIEW);
        preview(ORIGIN).get("/?token=" + forOtherPort).then().statusCode(403);
        // The token of port 3000, taken to port 3001's origin, opens nothing there.
        preview(SESSION + "-3001.preview.localhost:8080").cookie("pg_preview", validToken()).get("/").then().statusCode(403);
        preview(ORIGIN).get("/").then().statusCode(401).contentType("application/problem+json");
        // A genuine token of bob's for alice's session: session-service answers 404 for bob, so does the gateway.
        preview(ORIGIN).get("/?token=" + token(SESSION, 3000, "bob", Instant.now().plusSeconds(600), TestSecrets.PREVIEW))
                .then().statusCode(302);
        preview(ORIGIN).cookie("pg_preview", token(SESSION, 3000, "bob", Instant.now().plusSeconds(600), TestSecrets.PREVIEW))
                .get("/").then().statusCode(404).body("detail", containsString("no session " + SESSION));
    }

    @Test
    void aPreviewOriginServesNothingOfTheApiAndTheApiOriginServesNoPreview() {
        // The API's paths on a preview origin go to the session's server (here: refused without the preview cookie),
        // never to the API, whatever key comes with them.
        preview(ORIGIN).header("Authorization", "Bearer " + TestBackends.ALICE_KEY).get("/api/v1/runtimes")
                .then().statusCode(401).body("type", equalTo("https://playground.dev/problems/preview-token-missing"));
        preview(ORIGIN).cookie("pg_preview", validToken()).header("Authorization", "Bearer " + TestBackends.ALICE_KEY)
                .get("/api/v1/runtimes").then().statusCode(200).body("service", equalTo("preview"))
                .body("apiKeyForwarded", equalTo(false));
        // The old path-based previews on the API origin are gone.
        given().get("/preview/" + SESSION + "/3000/?token=" + validToken()).then().statusCode(404);
    }

    @Test
    void theDevServersWebSocketPassesWithTheCookie() throws Exception {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cookie", "pg_preview=" + validToken());
        try (WsClient ws = WsClient.connect(ORIGIN, "/hmr", headers).client()) {
            JsonObject hello = new JsonObject(ws.next());
            assertEquals("preview", hello.getString("service"));
            assertEquals("/hmr", hello.getString("uri"));
            ws.send("reload?");
            assertEquals("preview echo: reload?", ws.next());
        }
        assertEquals(401, WsClient.connect(ORIGIN, "/hmr", MultiMap.caseInsensitiveMultiMap()).status());
    }
}
