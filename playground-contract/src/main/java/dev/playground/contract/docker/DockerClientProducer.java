package dev.playground.contract.docker;

import com.github.dockerjava.api.DockerClient;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Docker client of the first sandbox host, for work that is not placed on a host (a single-machine set-up has
 * only that one). Work that lives on a host (a session, an execution) takes its client from {@link SandboxHosts}.
 */
@Singleton
public class DockerClientProducer {

    @Produces
    @Singleton
    DockerClient dockerClient(SandboxHosts hosts) {
        return hosts.client(hosts.first());
    }
}
