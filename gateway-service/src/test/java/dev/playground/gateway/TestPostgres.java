package dev.playground.gateway;

import com.github.dockerjava.api.model.PortBinding;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A real PostgreSQL (the project's {@code playground/postgres:17}, or {@code -Dplayground.test.postgres.image}) that a
 * test can stop, start again on the same port, pause and resume, as an operator's database would fail. Removed on
 * {@link #close()} (the build disables Ryuk).
 */
public final class TestPostgres implements AutoCloseable {

    static final String IMAGE = System.getProperty("playground.test.postgres.image", "playground/postgres:17");
    public static final String USER = "playground";
    public static final String PASSWORD = "playground";

    private final GenericContainer<?> container;
    private final int port;

    private TestPostgres(GenericContainer<?> container, int port) {
        this.container = container;
        this.port = port;
    }

    @SuppressWarnings("resource")
    public static TestPostgres start() {
        int port = freePort();
        GenericContainer<?> c = new GenericContainer<>(IMAGE)
                .withEnv("POSTGRES_USER", USER).withEnv("POSTGRES_PASSWORD", PASSWORD).withEnv("POSTGRES_DB", "playground")
                .withLabel("playground.test", "true")
                .withExposedPorts(5432)
                // A fixed host port: after a stop and start the database is where the gateway left it.
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withPortBindings(List.of(PortBinding.parse(port + ":5432"))))
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2)
                        .withStartupTimeout(Duration.ofSeconds(90)));
        c.start();
        return new TestPostgres(c, port);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/playground";
    }

    /** A fresh-connection-per-call data source, as a second gateway instance would have its own pool. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl());
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        ds.setConnectTimeout(2);
        ds.setSocketTimeout(10);
        return ds;
    }

    /** Stops the server (connections are refused from now on). */
    public void stop() {
        container.getDockerClient().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
    }

    /** Starts it again on the same port, with its data, and waits until it takes connections. */
    public void startAgain() {
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
        Eventually.until("PostgreSQL takes connections again", Duration.ofSeconds(60), () -> {
            try (Connection c = dataSource().getConnection()) {
                return c.isValid(2);
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Freezes the server: connections are accepted by Docker's proxy but nothing answers, like a lost network. */
    public void pause() {
        container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
    }

    public void unpause() {
        container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void close() {
        container.stop();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
