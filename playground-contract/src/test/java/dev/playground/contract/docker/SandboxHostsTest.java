package dev.playground.contract.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playground.contract.docker.SandboxHosts.SandboxHost;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxHostsTest {

    @Test
    void noHostsMeansTheLocalEngine() {
        assertEquals(List.of(new SandboxHost("local", URI.create("unix:///var/run/docker.sock"))),
                SandboxHosts.parse("", "unix:///var/run/docker.sock"));
        assertEquals("local", SandboxHosts.parse(null, "unix:///x.sock").getFirst().name());
    }

    @Test
    void hostsAreNamedEnginesInTheirOrder() {
        var hosts = SandboxHosts.parse(" node-1=tcp://sandbox-host-1:2376 , node-2=tcp://10.0.0.7:2376,", "unix:///x");
        assertEquals(List.of("node-1", "node-2"), hosts.stream().map(SandboxHost::name).toList());
        assertEquals(URI.create("tcp://10.0.0.7:2376"), hosts.get(1).address());
    }

    @Test
    void malformedHostListsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SandboxHosts.parse("tcp://a:2376", "x"))
                .getMessage().contains("name=tcp://address:port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SandboxHosts.parse("a=http://a:2376", "x"))
                .getMessage().contains("neither tcp:// nor unix://"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SandboxHosts.parse("a=tcp://x:1,a=tcp://y:1", "x"))
                .getMessage().contains("named twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SandboxHosts.parse("Bad_Name=tcp://x:1", "x"))
                .getMessage().contains("DNS label"));
    }
}
