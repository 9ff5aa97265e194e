package dev.playground.executor.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The label images/build.sh writes on a runtime image, as the catalog reads it. */
class RuntimeVersionsLabelTest {

    @Test
    void oneImageMayCarrySeveralLanguagesAndBrokenEntriesAreLeftOut() {
        assertEquals(Map.of("python", "3.13.5", "bash", "5.2.37"),
                RuntimeCatalog.parseVersions("python=3.13.5,bash=5.2.37"));
        assertEquals(Map.of("go", "1.24.4"), RuntimeCatalog.parseVersions("go=1.24.4,=1.0,ruby=,nonsense"));
        assertEquals(Map.of(), RuntimeCatalog.parseVersions(null));
    }
}
