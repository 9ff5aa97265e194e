package dev.playground.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.playground.contract.preview.PreviewToken;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestBackends.class)
class PreviewTest {

    private static final String SESSION = TestBackends.PREVIEW_SESSION;
    private static final String BASE = "/preview/" + SESSION + "/3000/";

    private static String token(String session, int port, String owner, Instant expires, String secret) {
        return new PreviewToken(session, port, owner, expires).sign(secret.getBytes(StandardCharsets.UTF_8));
    }

    private static String validToken() {
        return token(SESSION, 3000, "alice", Instant.now().plusSeconds(600), "test-preview-secret");
    }

    @Test
    void theSignedLinkOpensThePreviewAndItsCookieLetsAssetsFollow() {
        String token = validToken();
        given().redirects().follow(false).get(BASE + "index.html?token=" + token + "&theme=dark").then()
                .statusCode(200)
                .body("service", equalTo("preview"))
                .body("uri", equalTo("/index.html?theme=dark"))
                .body("principal", nullValue())
                .body("forwardedPrefix", equalTo("/preview/" + SESSION + "/3000"))
                .header("Set-Cookie", allOf(containsString("pg_preview=" + token),
                        containsString("Path=" + BASE), containsString("HttpOnly")));

        // The iframe's relative asset request carries only the cookie, which the dev server never sees.
        given().cookie("pg_preview", token).cookie("app", "1").get(BASE + "assets/app.js").then()
                .statusCode(200)
                .body("uri", equalTo("/assets/app.js"))
                .body("cookie", equalTo("app=1"));
    }

    @Test
    void expiredForgedMissingOrMisdirectedTokensAreRefused() {
        given().get(BASE + "?token=" + token(SESSION, 3000, "alice", Instant.now().minusSeconds(1), "test-preview-secret"))
                .then().statusCode(403).contentType("application/problem+json").body("detail", containsString("expired"));
        given().get(BASE + "?token=" + token(SESSION, 3000, "alice", Instant.now().plusSeconds(600), "guessed-secret"))
                .then().statusCode(403);
        String forOtherPort = token(SESSION, 3001, "alice", Instant.now().plusSeconds(600), "test-preview-secret");
        given().get(BASE + "?token=" + forOtherPort).then().statusCode(403);
        given().get(BASE).then().statusCode(401).contentType("application/problem+json");
        // A genuine token of bob's for alice's session: session-service answers 404 for bob, so does the gateway.
        given().get(BASE + "?token=" + token(SESSION, 3000, "bob", Instant.now().plusSeconds(600), "test-preview-secret"))
                .then().statusCode(404).body("detail", containsString("no session " + SESSION));
    }

    @Test
    void thePreviewRootWithoutSlashRedirectsSoRelativeUrlsWork() {
        given().redirects().follow(false).get("/preview/" + SESSION + "/3000?token=abc").then()
                .statusCode(308).header("Location", "/preview/" + SESSION + "/3000/?token=abc");
    }

    @Test
    void theDevServersWebSocketPassesWithTheCookie() throws Exception {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cookie", "pg_preview=" + validToken());
        try (WsClient ws = WsClient.connect(BASE + "hmr", headers).client()) {
            JsonObject hello = new JsonObject(ws.next());
            assertEquals("preview", hello.getString("service"));
            assertEquals("/hmr", hello.getString("uri"));
            ws.send("reload?");
            assertEquals("preview echo: reload?", ws.next());
        }
        assertEquals(401, WsClient.connect(BASE + "hmr", MultiMap.caseInsensitiveMultiMap()).status());
    }
}
