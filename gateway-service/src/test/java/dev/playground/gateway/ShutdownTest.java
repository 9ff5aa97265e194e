package dev.playground.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.playground.gateway.proxy.WebSocketTunnels;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.MultiMap;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestBackends.class)
class ShutdownTest {

    @Inject
    WebSocketTunnels tunnels;

    @Test
    void openWebSocketsAreClosedWithAReasonWhenTheGatewayStops() throws Exception {
        MultiMap auth = MultiMap.caseInsensitiveMultiMap().add("X-Api-Key", TestBackends.ALICE_KEY);
        try (WsClient ws = WsClient.connect("/api/v1/sessions/s1/terminal", auth).client()) {
            ws.next();
            ws.send("x".repeat(300));
            // The close frame goes in after the frame being relayed, never inside it.
            assertEquals("terminal-service echo: " + "x".repeat(300), ws.next());
            tunnels.closeAll(WebSocketTunnels.GOING_AWAY, "gateway shutting down", 2000);
            assertEquals("1001 gateway shutting down", ws.closed.get(5, TimeUnit.SECONDS));
        }
        assertEquals(0, tunnels.openCount());
    }
}
