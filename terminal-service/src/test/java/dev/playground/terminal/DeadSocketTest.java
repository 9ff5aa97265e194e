package dev.playground.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.Principal;
import dev.playground.contract.testing.TestSecrets;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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
                Socket dead = new Socket(base.getHost(), base.getPort())) {
            // A client that completes the handshake and then goes silent (a laptop that went to sleep).
            OutputStream out = dead.getOutputStream();
            out.write(("GET " + TERMINAL + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
                    + "\r\n" + Principal.HEADER + ": " + SessionServiceStandIn.OWNER + "\r\n"
                    + Principal.SIGNATURE_HEADER + ": " + TestSecrets.sign(SessionServiceStandIn.OWNER) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            dead.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(dead.getInputStream());
            String status = readHeaders(in);
            assertTrue(status.startsWith("HTTP/1.1 101"), status);

            int pings = 0;
            int closeCode = -1;
            while (closeCode < 0) {
                int opcode = in.readUnsignedByte() & 0x0f;
                int length = in.readUnsignedByte() & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = (int) in.readLong();
                }
                byte[] payload = in.readNBytes(length);
                if (opcode == 0x9) {
                    pings++;
                } else if (opcode == 0x8) {
                    closeCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                }
            }
            assertTrue(pings >= 2, "pinged before being reaped: " + pings);
            assertEquals(1001, closeCode);

            // The well-behaved client, idle just as long, answered every ping and still has its shell.
            alive.type("echo still-here\r");
            alive.awaitOutput(s -> s.contains("still-here\r\n"), Duration.ofSeconds(10));
        }
    }

    private static String readHeaders(InputStream in) throws Exception {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            headers.append((char) b);
        }
        return headers.toString();
    }
}
