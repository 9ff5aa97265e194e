package dev.playground.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FrameBoundaryTest {

    private static Buffer frame(int payloadLength, boolean masked) {
        Buffer b = Buffer.buffer().appendByte((byte) 0x82);
        int maskBit = masked ? 0x80 : 0;
        if (payloadLength < 126) {
            b.appendByte((byte) (maskBit | payloadLength));
        } else if (payloadLength < 65536) {
            b.appendByte((byte) (maskBit | 126)).appendUnsignedShort(payloadLength);
        } else {
            b.appendByte((byte) (maskBit | 127)).appendLong(payloadLength);
        }
        if (masked) {
            b.appendInt(0x01020304);
        }
        return b.appendBytes(new byte[payloadLength]);
    }

    @Test
    void findsTheEndOfEachFrameWhateverTheChunking() {
        Buffer stream = Buffer.buffer().appendBuffer(frame(5, false)).appendBuffer(frame(300, false))
                .appendBuffer(frame(70_000, false)).appendBuffer(frame(10, true));
        int[] ends = {7, 7 + 304, 7 + 304 + 70_010, 7 + 304 + 70_010 + 16};
        for (int chunk : new int[] {1, 3, 7, 1000, stream.length()}) {
            FrameBoundary boundary = new FrameBoundary();
            int found = 0;
            for (int start = 0; start < stream.length(); start += chunk) {
                Buffer piece = stream.getBuffer(start, Math.min(stream.length(), start + chunk));
                int at = 0;
                while (at < piece.length()) {
                    int next = boundary.nextBoundary(piece, at);
                    if (next < 0) {
                        break;
                    }
                    assertEquals(ends[found++], start + next, "chunk size " + chunk);
                    at = next;
                }
            }
            assertEquals(ends.length, found, "chunk size " + chunk);
            assertTrue(boundary.atBoundary());
        }
        FrameBoundary midway = new FrameBoundary();
        assertEquals(-1, midway.nextBoundary(frame(300, false).getBuffer(0, 100), 0));
        assertFalse(midway.atBoundary());
    }

    @Test
    void theCloseFrameCarriesCodeAndReason() {
        Buffer close = FrameBoundary.closeFrame(1001, "gateway shutting down");
        assertEquals((byte) 0x88, close.getByte(0));
        assertEquals(2 + 21, close.getByte(1));
        assertEquals(1001, close.getUnsignedShort(2));
        assertEquals("gateway shutting down", close.getString(4, close.length()));
    }
}
