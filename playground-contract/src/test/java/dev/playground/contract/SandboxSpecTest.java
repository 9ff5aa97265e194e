package dev.playground.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.playground.contract.sandbox.SandboxSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxSpecTest {

    @Test
    void baselineIsHardenedWhateverTheLimits() {
        HostConfig hc = SandboxSpec.of(256L << 20, 1.0, 64, 16L << 20).withTmpfs("/work", 64L << 20, true)
                .toHostConfig();
        assertEquals("none", hc.getNetworkMode());
        assertTrue(hc.getReadonlyRootfs());
        assertEquals(List.of(Capability.ALL), List.of(hc.getCapDrop()));
        assertEquals(List.of("no-new-privileges"), hc.getSecurityOpts());
        assertEquals(hc.getMemory(), hc.getMemorySwap(), "swap equals memory: no swapping past the limit");
        assertEquals(64L, hc.getPidsLimit());
        assertEquals(1_000_000_000L, hc.getNanoCPUs());
        assertTrue(hc.getTmpFs().get("/work").contains("size=" + (64L << 20)));
    }

    @Test
    void theDockerSocketIsNeverMounted() {
        SandboxSpec spec = SandboxSpec.of(1L << 20, 1, 1, 1);
        assertThrows(IllegalArgumentException.class,
                () -> spec.withBind(new Bind("/var/run/docker.sock", new Volume("/var/run/docker.sock"))));
    }

    @Test
    void nonPositiveLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SandboxSpec.of(0, 1, 1, 1));
    }
}
