package dev.playground.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** GATEWAY_API_KEYS: which principal names a key may carry. */
class ApiKeysTest {
    private static final String HASH = "ab".repeat(32);

    @Test
    void principalsAreNamesThatStartWithALetterOrDigit() {
        assertEquals(Set.of("alice", "e2e-bob", "ci.bot@example.org"),
                ApiKeys.parse("alice:" + HASH + ", e2e-bob:" + HASH + ",ci.bot@example.org:" + HASH).keySet());
    }

    @Test
    void theOwnerOfWhatNobodyOwnsIsNoPrincipal() {
        // "-" owns warm sandboxes and pooled sessions until a run or a new session takes them
        for (String reserved : new String[] {"-", "-alice", ".hidden", "_x"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(reserved + ":" + HASH));
            assertTrue(e.getMessage().contains("starting with a letter or digit"), e.getMessage());
        }
    }

    @Test
    void aKeyThatIsNotAHashStopsTheStart() {
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("alice:not-a-hash"));
    }
}
