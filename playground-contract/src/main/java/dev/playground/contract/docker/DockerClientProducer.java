package dev.playground.contract.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** The one Docker client of a service. The API version is left unset so it negotiates with the engine. */
@Singleton
public class DockerClientProducer {

    @Produces
    @Singleton
    DockerClient dockerClient(DockerConfig config) {
        var clientConfig = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(config.host())
                .build();
        var http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(config.host()))
                .maxConnections(config.maxConnections())
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return DockerClientImpl.getInstance(clientConfig, http);
    }

    void close(@Disposes DockerClient client) throws IOException {
        client.close();
    }
}
