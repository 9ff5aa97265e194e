package dev.playground.session;

import static dev.playground.session.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.playground.contract.testing.KafkaTestBroker;
import dev.playground.session.docker.SessionContainers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A session's disk limit holds for what runs inside it, not only for the file API: a program that writes many files,
 * each under the per-file limit, some in a directory it made unreadable, gets its session stopped with a reason.
 * (%test measures every second.)
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class WorkspaceQuotaTest {

    @Inject
    DockerClient docker;

    @Test
    void aSessionThatFillsItsWorkspaceIsStoppedAndCanBeCleanedUp() throws InterruptedException {
        String owner = "quota-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "python", "limits", Map.of("diskMb", 16)));
        String base = "/api/v1/sessions/" + id;
        String container = SessionLifecycleTest.containerOf(owner, id);

        // 25 MB in three files of at most 10 MB (the per-file limit is 16 MB), 5 MB hidden behind chmod 000.
        var fill = Api.exec(owner, id, "head -c 10M /dev/zero > a && head -c 10M /dev/zero > b"
                + " && mkdir h && head -c 5M /dev/zero > h/c && chmod 000 h && echo written");
        assertThat(fill).containsEntry("stdout", "written\n");

        // Generous: the engine's first disk-usage count after it (re)started walks every image layer (~40 s here).
        awaitStopped("the session over its disk limit is stopped", owner, id, Duration.ofSeconds(90));
        as(owner).get(base).then().statusCode(200)
                .body("stopReason", containsString("over its 16 MB disk limit"));
        assertThat(docker.inspectContainerCmd(container).exec().getState().getRunning()).isFalse();
        assertThat(SessionLifecycleTest.sessionEvents(id, 3)).containsExactly("CREATED", "STARTED", "STOPPED");

        // Started again it is still over, but no longer growing: it keeps running while its owner cleans up.
        as(owner).post(base + "/start").then().statusCode(200).body("state", equalTo("RUNNING"))
                .body("stopReason", nullValue());
        Thread.sleep(3000); // three measurements
        assertThat(Api.state(owner, id)).isEqualTo("RUNNING");
        as(owner).delete(base + "/files/a").then().statusCode(204);
        var left = Api.exec(owner, id, "chmod 700 h && du -sk . | cut -f1");
        assertThat(Integer.parseInt(((String) left.get("stdout")).trim())).isLessThan(16 * 1024);

        // Growing again, past where it stood when it was stopped, stops it again.
        Api.exec(owner, id, "head -c 12M /dev/zero > d");
        awaitStopped("the session growing past its limit again is stopped", owner, id, Duration.ofSeconds(20));
        as(owner).delete(base).then().statusCode(204);
    }

    private void awaitStopped(String what, String owner, String id, Duration timeout) {
        try {
            Api.await(what, timeout, () -> Api.state(owner, id).equals("STOPPED"));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + diagnosis(id), e);
        }
    }

    /**
     * What a stop that never came needs explained (it failed twice in full runs, never alone): the engine's own count
     * of the volume and how long it took, and where the service's threads that count and stop stand.
     */
    private String diagnosis(String id) {
        StringBuilder d = new StringBuilder("\n");
        long start = System.nanoTime();
        var request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
                .path("/system/df?type=volume").build();
        try (var response = ((DockerClientImpl) docker).getHttpClient().execute(request)) {
            String body = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            int at = body.indexOf(SessionContainers.volumeName(id));
            d.append("the engine's count now (").append((System.nanoTime() - start) / 1_000_000).append(" ms, ")
                    .append(response.getStatusCode()).append("): ")
                    .append(response.getStatusCode() != 200 ? body
                            : at < 0 ? "no such volume" : body.substring(at, Math.min(body.length(), at + 400)));
        } catch (Exception e) {
            d.append("the engine's count failed: ").append(e);
        }
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            String frames = Arrays.stream(stack).limit(40).map(String::valueOf).collect(Collectors.joining("\n    "));
            if (frames.contains("dev.playground.session") && !frames.contains("WorkspaceQuotaTest")) {
                d.append("\n").append(thread.getName()).append(" ").append(thread.getState()).append("\n    ")
                        .append(frames);
            }
        });
        return d.toString();
    }
}
