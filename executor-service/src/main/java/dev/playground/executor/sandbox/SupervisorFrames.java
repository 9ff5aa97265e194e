package dev.playground.executor.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The framing spoken with the in-sandbox supervisor (src/main/resources/supervisor.pl): 1 type byte, a 4-byte
 * big-endian length, the payload. Framing (rather than raw streams) is what lets one attach connection carry
 * setup, files, stdin, EOF and cancel in, and program output plus measurements out.
 */
public final class SupervisorFrames {

    private SupervisorFrames() {
    }

    public static byte[] frame(char type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.put((byte) type).putInt(payload.length).put(payload);
        return b.array();
    }

    public static byte[] frame(char type, String payload) {
        return frame(type, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** NUL-separated argv, as the supervisor splits it. */
    public static byte[] argv(List<String> argv) {
        return String.join("\0", argv).getBytes(StandardCharsets.UTF_8);
    }

    /** "key=value" lines of a step result frame. */
    public static Map<String, String> keyValues(byte[] payload) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : new String(payload, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    /** Reassembles frames from the byte stream Docker delivers in arbitrary pieces. */
    public static final class Decoder {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final BiConsumer<Character, byte[]> sink;

        public Decoder(BiConsumer<Character, byte[]> sink) {
            this.sink = sink;
        }

        public void accept(byte[] bytes) {
            pending.writeBytes(bytes);
            byte[] all = pending.toByteArray();
            int off = 0;
            while (all.length - off >= 5) {
                int len = ByteBuffer.wrap(all, off + 1, 4).getInt();
                if (all.length - off - 5 < len) {
                    break;
                }
                byte[] payload = new byte[len];
                System.arraycopy(all, off + 5, payload, 0, len);
                sink.accept((char) (all[off] & 0xff), payload);
                off += 5 + len;
            }
            pending.reset();
            pending.write(all, off, all.length - off);
        }
    }
}
