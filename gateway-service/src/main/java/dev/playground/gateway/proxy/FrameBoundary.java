package dev.playground.gateway.proxy;

import io.vertx.core.buffer.Buffer;

/**
 * Follows WebSocket frame boundaries in a byte stream that is otherwise tunnelled untouched, so the gateway can
 * put its own close frame between two frames (never inside one) when it shuts down.
 */
final class FrameBoundary {

    private final byte[] header = new byte[14];
    private int headerBytes;
    private long payloadLeft;

    /** True when the bytes seen so far end exactly at the end of a frame. */
    boolean atBoundary() {
        return headerBytes == 0 && payloadLeft == 0;
    }

    /**
     * Consumes {@code data} from {@code from}; returns the offset just after the first frame end at or after
     * {@code from}, or -1 when the data ends inside a frame.
     */
    int nextBoundary(Buffer data, int from) {
        int i = from;
        int length = data.length();
        while (i < length) {
            if (payloadLeft > 0) {
                long take = Math.min(payloadLeft, length - i);
                payloadLeft -= take;
                i += (int) take;
                if (payloadLeft == 0) {
                    return i;
                }
                continue;
            }
            header[headerBytes++] = data.getByte(i++);
            int needed = headerLength();
            if (needed > 0 && headerBytes == needed) {
                payloadLeft = payloadLength();
                headerBytes = 0;
                if (payloadLeft == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Total header length once enough of it is known, else -1. */
    private int headerLength() {
        if (headerBytes < 2) {
            return -1;
        }
        int len7 = header[1] & 0x7F;
        int mask = (header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + mask;
    }

    private long payloadLength() {
        int len7 = header[1] & 0x7F;
        if (len7 < 126) {
            return len7;
        }
        if (len7 == 126) {
            return ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        }
        long n = 0;
        for (int k = 2; k < 10; k++) {
            n = (n << 8) | (header[k] & 0xFF);
        }
        return n;
    }

    /** An unmasked server-to-client close frame with a status code and a short reason. */
    static Buffer closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int payload = Math.min(2 + text.length, 125);
        Buffer frame = Buffer.buffer(2 + payload);
        frame.appendByte((byte) 0x88).appendByte((byte) payload);
        frame.appendByte((byte) (code >> 8)).appendByte((byte) code);
        frame.appendBytes(text, 0, payload - 2);
        return frame;
    }
}
