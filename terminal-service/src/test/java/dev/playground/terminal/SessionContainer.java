package dev.playground.terminal;

import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The stand-in's session container, looked into with {@code docker exec} (as a person with a shell in it would). */
final class SessionContainer implements AutoCloseable {

    private final DockerClient docker = SessionServiceStandIn.dockerClient();
    private final String containerId;

    SessionContainer(String standInUrl) throws Exception {
        this.containerId = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(standInUrl
                + "/stand-in/container")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** What a shell command prints in the container, trimmed. */
    String run(String command) throws Exception {
        String exec = docker.execCreateCmd(containerId).withAttachStdout(true).withAttachStderr(true)
                .withCmd("sh", "-c", command).exec().getId();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                out.writeBytes(frame.getPayload());
            }
        }).awaitCompletion(10, TimeUnit.SECONDS);
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    /** Waits until process {@code pid} no longer exists. */
    void awaitGone(String pid) {
        await().atMost(Shells.WAIT).until(() -> run("test -d /proc/" + pid + " && echo alive || echo gone").equals("gone"));
    }

    @Override
    public void close() throws Exception {
        docker.close();
    }
}
