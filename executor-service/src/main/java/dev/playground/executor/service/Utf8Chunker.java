package dev.playground.executor.service;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into valid UTF-8 text chunks: a multi-byte character cut between two reads is held back
 * until its rest arrives, so every STDOUT/STDERR event's {@code data} is whole characters.
 */
final class Utf8Chunker {
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();

    String next(byte[] bytes) {
        held.writeBytes(bytes);
        byte[] all = held.toByteArray();
        int cut = completeLength(all);
        held.reset();
        held.write(all, cut, all.length - cut);
        return new String(all, 0, cut, StandardCharsets.UTF_8);
    }

    /** What is still held back at the end of the stream, decoded with replacement characters. */
    String rest() {
        String s = held.toString(StandardCharsets.UTF_8);
        held.reset();
        return s;
    }

    private static int completeLength(byte[] b) {
        int n = b.length;
        // Look back at most 3 bytes for the lead byte of an unfinished sequence.
        for (int i = n - 1; i >= 0 && i >= n - 4; i--) {
            int c = b[i] & 0xff;
            if ((c & 0xC0) == 0x80) {
                continue;
            }
            int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            return n - i >= need ? n : i;
        }
        return n;
    }
}
