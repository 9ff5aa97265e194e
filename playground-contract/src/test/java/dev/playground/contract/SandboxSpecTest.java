package dev.playground.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.playground.contract.sandbox.SandboxSpec;
import dev.playground.contract.sandbox.SandboxUser;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxSpecTest {

    private static final SandboxUser USER = SandboxUser.DEFAULT;

    @Test
    void baselineIsHardenedWhateverTheLimits() {
        HostConfig hc = SandboxSpec.of(USER, 256L << 20, 1.0, 64, 16L << 20).withTmpfs("/work", 64L << 20, true)
                .toHostConfig();
        assertEquals("none", hc.getNetworkMode());
        assertTrue(hc.getReadonlyRootfs());
        assertEquals(List.of(Capability.ALL), List.of(hc.getCapDrop()));
        assertEquals(List.of("no-new-privileges"), hc.getSecurityOpts());
        assertEquals(hc.getMemory(), hc.getMemorySwap(), "swap equals memory: no swapping past the limit");
        assertEquals(64L, hc.getPidsLimit());
        assertEquals(1_000_000_000L, hc.getNanoCPUs());
        assertTrue(hc.getTmpFs().get("/work").contains("size=" + (64L << 20)));
        assertNull(hc.getRuntime(), "the engine's default runtime unless one is named");
    }

    @Test
    void anOwnedTmpfsBelongsToTheSandboxUser() {
        HostConfig hc = SandboxSpec.of(new SandboxUser(1234, 5678), 1L << 20, 1, 1, 1)
                .withOwnedTmpfs("/workspace", 1L << 20, true).toHostConfig();
        assertTrue(hc.getTmpFs().get("/workspace").contains("uid=1234,gid=5678"));
    }

    @Test
    void aHardenedRuntimeIsPassedToTheEngine() {
        assertEquals("runsc", SandboxSpec.of(USER, 1L << 20, 1, 1, 1).withRuntime("runsc").toHostConfig().getRuntime());
        assertNull(SandboxSpec.of(USER, 1L << 20, 1, 1, 1).withRuntime(" ").toHostConfig().getRuntime());
    }

    @Test
    void underGvisorTheProcessLimitIsKeptInsideTheSandbox() {
        HostConfig hc = SandboxSpec.of(USER, 1L << 20, 1, 64, 1).withRuntime("runsc").toHostConfig();
        // the host's pids cgroup also holds the sentry's threads; the sandbox's own limit is its RLIMIT_NPROC
        assertTrue(hc.getPidsLimit() > 64);
        assertTrue(List.of(hc.getUlimits()).stream().anyMatch(u -> u.getName().equals("nproc") && u.getSoft() == 64));
        HostConfig runc = SandboxSpec.of(USER, 1L << 20, 1, 64, 1).toHostConfig();
        assertEquals(64L, runc.getPidsLimit());
        assertTrue(List.of(runc.getUlimits()).stream().noneMatch(u -> u.getName().equals("nproc")));
    }

    @Test
    void theDockerSocketIsNeverMountedNorADirectoryAboveIt() {
        SandboxSpec spec = SandboxSpec.of(USER, 1L << 20, 1, 1, 1);
        for (String path : List.of("/var/run/docker.sock", "/run/docker.sock", "/var/run", "/var/run/", "/run", "/var",
                "/", "/var/run/../run", "/run/containerd", "/srv/docker.sock")) {
            assertThrows(IllegalArgumentException.class,
                    () -> spec.withBind(new Bind(path, new Volume("/mnt"), AccessMode.ro)), path);
        }
        // a named volume and an unrelated host file are fine
        spec.withBind(new Bind("playground-session-1", new Volume("/workspace")));
        spec.withBind(new Bind("/etc/ssl/certs/ca-certificates.crt", new Volume("/etc/ca.pem"), AccessMode.ro));
    }

    @Test
    void theHostsNetworkOrAnotherContainersIsNeverJoined() {
        SandboxSpec spec = SandboxSpec.of(USER, 1L << 20, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> spec.withNetwork("host"));
        assertThrows(IllegalArgumentException.class, () -> spec.withNetwork("container:abc"));
    }

    @Test
    void rootIsRefusedAsAUserOrAGroup() {
        assertThrows(IllegalArgumentException.class, () -> SandboxUser.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> SandboxUser.parse("0:1000"));
        assertThrows(IllegalArgumentException.class, () -> SandboxUser.parse("1000:0"));
        assertThrows(IllegalArgumentException.class, () -> SandboxUser.parse("root"));
        assertThrows(IllegalArgumentException.class, () -> SandboxUser.parse("sandbox"));
        assertThrows(IllegalArgumentException.class, () -> SandboxUser.parse(""));
        assertEquals(new SandboxUser(1000, 1000), SandboxUser.parse("1000"));
        assertEquals("1000:100", SandboxUser.parse("1000:100").spec());
    }

    @Test
    void nonPositiveLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SandboxSpec.of(USER, 0, 1, 1, 1));
    }
}
