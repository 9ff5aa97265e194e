package dev.playground.session;

import static dev.playground.session.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.playground.contract.preview.PreviewToken;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class PackagesAndPreviewTest {

    @Test
    void aPipInstalledPackageImportsInTheSessionThatHasNoNetwork() {
        String owner = "pip-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python"));
        // before: not there
        assertThat(Api.exec(owner, id, "python3 -c 'import hello_pg'").get("exitCode")).isNotEqualTo(0);

        var install = as(owner).body(Map.of("manager", "pip", "packages", List.of("hello-pg==1.0")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(200).extract().as(Map.class);
        assertThat(install).containsEntry("exitCode", 0).containsEntry("timedOut", false);
        assertThat((String) install.get("output")).contains("Successfully installed hello-pg-1.0");

        var run = Api.exec(owner, id, "python3 -c 'import hello_pg; print(hello_pg.GREETING)'");
        assertThat(run.get("stdout")).isEqualTo(SessionTestEnvironment.WHEEL_GREETING + "\n");

        // options and URLs are not package names: refused before any container starts
        as(owner).body(Map.of("manager", "pip", "packages", List.of("--index-url=http://evil/")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(422)
                .contentType("application/problem+json");
        as(owner).body(Map.of("manager", "apt", "packages", List.of("curl")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(422);
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    @Test
    void aNodeServerInsideAnswersOnItsPreviewPortAndReachesNothingOutside() throws Exception {
        String owner = "preview-" + System.nanoTime();
        String id = as(owner).body(Map.of("template", "node", "ports", List.of(3000)))
                .post("/api/v1/sessions").then().statusCode(201)
                .body("ports[0].port", equalTo(3000))
                .body("ports[0].previewUrl", startsWith("http://gateway.test/preview/"))
                .extract().path("id");
        String previewUrl = as(owner).get("/api/v1/sessions/" + id).then().extract().path("ports[0].previewUrl");
        assertThat(previewUrl).startsWith("http://gateway.test/preview/" + id + "/3000/?token=");
        var token = PreviewToken.verify(previewUrl.substring(previewUrl.indexOf("token=") + 6),
                SessionTestEnvironment.PREVIEW_SECRET.getBytes(StandardCharsets.UTF_8), Instant.now());
        assertThat(token).hasValueSatisfying(t -> {
            assertThat(t.sessionId()).isEqualTo(id);
            assertThat(t.port()).isEqualTo(3000);
            assertThat(t.owner()).isEqualTo(owner);
        });

        as(owner).body("require('http').createServer((q, s) => s.end('hello from ' + q.url)).listen(3000);\n")
                .put("/api/v1/sessions/" + id + "/files/server.js").then().statusCode(200);
        var started = Api.exec(owner, id, "nohup node server.js > /tmp/server.log 2>&1 &");
        assertThat(started.get("exitCode")).isEqualTo(0);

        String host = as(owner).get("/internal/sessions/" + id).then().statusCode(200)
                .body("ports[0].port", equalTo(3000))
                .body("ports[0].targetPort", equalTo(3000))
                .extract().path("ports[0].host");
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String[] body = new String[1];
        Api.await("the node server answers on " + host + ":3000", Duration.ofSeconds(20), () -> {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":3000/hi")).build(),
                        HttpResponse.BodyHandlers.ofString());
                body[0] = r.body();
                return r.statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(body[0]).isEqualTo("hello from /hi");

        // the preview network is internal: the session still has no way out
        var out = Api.exec(owner, id, "node -e \"require('net').connect(80, '1.1.1.1')"
                + ".on('connect', () => { console.log('open'); process.exit(0) })"
                + ".on('error', e => { console.log('blocked ' + e.code); process.exit(0) })"
                + "; setTimeout(() => { console.log('blocked timeout'); process.exit(0) }, 3000)\"");
        assertThat((String) out.get("stdout")).startsWith("blocked");
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    @Test
    void anNpmPackageInstallsThroughTheOperatorsRegistryAndTrustedCa() {
        String owner = "npm-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "node"));
        var install = as(owner).body(Map.of("manager", "npm", "packages", List.of("is-number@7.0.0")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(200).extract().as(Map.class);
        assertThat(install.get("exitCode")).as("npm output: %s", install.get("output")).isEqualTo(0);
        var run = Api.exec(owner, id, "node -e \"console.log(require('is-number')(42))\"");
        assertThat(run.get("stdout")).isEqualTo("true\n");
        as(owner).get("/api/v1/sessions/" + id + "/files/package.json").then().statusCode(200)
                .body(containsString("is-number"));
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }
}
