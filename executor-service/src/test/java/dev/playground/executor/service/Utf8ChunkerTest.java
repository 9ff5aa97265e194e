package dev.playground.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Utf8ChunkerTest {

    @Test
    void aCharacterCutBetweenTwoReadsArrivesWholeInTheNextEvent() {
        byte[] text = "añ€😀!".getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= text.length; cut++) {
            Utf8Chunker chunker = new Utf8Chunker();
            String first = chunker.next(Arrays.copyOfRange(text, 0, cut));
            String second = chunker.next(Arrays.copyOfRange(text, cut, text.length));
            assertEquals("añ€😀!", first + second, "cut at " + cut);
            assertEquals("", chunker.rest());
        }
    }

    @Test
    void anUnfinishedCharacterAtTheEndIsReportedAsReplacement() {
        Utf8Chunker chunker = new Utf8Chunker();
        assertEquals("a", chunker.next(new byte[] {'a', (byte) 0xE2, (byte) 0x82}));
        assertEquals("\uFFFD", chunker.rest());
    }
}
