package dev.playground.gateway.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class AggregatedHealthTest {

    @Test
    void theSandboxHostsOfAServicesDockerCheckShowWithTheirStatesOnly() {
        JsonObject readiness = new JsonObject("""
                {"status":"UP","checks":[
                  {"name":"Kafka connection health check","status":"UP","data":{"nodes":"kafka:9092"}},
                  {"name":"docker","status":"UP","data":{"sandbox-host-1":"UP","sandbox-host-2":"DOWN",
                   "error":"java.net.NoRouteToHostException: 10.0.0.7"}}]}""");
        assertEquals(new JsonObject().put("sandbox-host-1", "UP").put("sandbox-host-2", "DOWN"),
                AggregatedHealth.sandboxHosts(readiness).orElseThrow());
        assertTrue(AggregatedHealth.sandboxHosts(new JsonObject("""
                {"status":"UP","checks":[{"name":"Database connections health check","status":"UP"}]}""")).isEmpty());
    }
}
