package dev.playground.terminal;

import io.quarkus.test.common.http.TestHTTPResource;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** What the WebSocket tests share: the service under test, a Vert.x to connect with, the session-service stand-in. */
abstract class SocketTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "test.stand-in.url")
    String standIn;
}
