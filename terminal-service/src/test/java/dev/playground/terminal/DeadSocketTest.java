package dev.playground.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Idle sockets are pinged; one whose peer never answers is reaped, one that answers stays open. */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionServiceStandIn.class)
class DeadSocketTest {

    private static final String TERMINAL = "/api/v1/sessions/" + SessionServiceStandIn.RUNNING + "/terminal";

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @Test
    void aPeerThatNeverAnswersPingsIsReapedWhileALiveOneStays() throws Exception {
        try (WsClient alive = WsClient.connect(vertx, base, TERMINAL, SessionServiceStandIn.OWNER);
                // A client that completes the handshake and then goes silent (a laptop that went to sleep).
                RawWebSocket dead = RawWebSocket.open(base, TERMINAL, SessionServiceStandIn.OWNER, Duration.ofSeconds(20))) {
            int pings = 0;
            int closeCode = -1;
            while (closeCode < 0) {
                RawWebSocket.Frame frame = dead.next();
                if (frame.opcode() == RawWebSocket.PING) {
                    pings++;
                } else if (frame.opcode() == RawWebSocket.CLOSE) {
                    closeCode = frame.closeCode();
                }
            }
            assertTrue(pings >= 2, "pinged before being reaped: " + pings);
            assertEquals(1001, closeCode);

            // The well-behaved client, idle just as long, answered every ping and still has its shell.
            alive.type("echo still-here\r");
            alive.awaitOutput(s -> s.contains("still-here\r\n"), Duration.ofSeconds(10));
        }
    }
}
