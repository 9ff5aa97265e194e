package dev.playground.executor.sandbox;

import java.util.function.BiConsumer;

/**
 * Reassembles supervisor frames from the byte stream Docker delivers in arbitrary pieces. Linear in the bytes
 * received (each byte is copied once), and bounded: a header announcing more than {@link SupervisorFrame#MAX_PAYLOAD}
 * or an unknown type is refused before any of its payload is held.
 */
final class FrameDecoder {
    private final BiConsumer<SupervisorFrame, byte[]> sink;
    private final byte[] header = new byte[5];
    private int headerFill;
    private SupervisorFrame type;
    private byte[] payload;
    private int payloadFill;

    FrameDecoder(BiConsumer<SupervisorFrame, byte[]> sink) {
        this.sink = sink;
    }

    void accept(byte[] bytes) {
        int off = 0;
        while (off < bytes.length) {
            if (payload == null) {
                int n = Math.min(5 - headerFill, bytes.length - off);
                System.arraycopy(bytes, off, header, headerFill, n);
                headerFill += n;
                off += n;
                if (headerFill == 5) {
                    startFrame();
                }
            } else {
                int n = Math.min(payload.length - payloadFill, bytes.length - off);
                System.arraycopy(bytes, off, payload, payloadFill, n);
                payloadFill += n;
                off += n;
                if (payloadFill == payload.length) {
                    emit();
                }
            }
        }
    }

    private void startFrame() {
        type = SupervisorFrame.of(header[0] & 0xff);
        long length = ((header[1] & 0xffL) << 24) | ((header[2] & 0xff) << 16) | ((header[3] & 0xff) << 8)
                | (header[4] & 0xff);
        if (type == null || !type.fromSupervisor()) {
            throw new SupervisorProtocolException("unknown frame type 0x" + Integer.toHexString(header[0] & 0xff));
        }
        if (length > SupervisorFrame.MAX_PAYLOAD) {
            throw new SupervisorProtocolException("a " + type + " frame announced " + length + " bytes, over the "
                    + SupervisorFrame.MAX_PAYLOAD + " allowed");
        }
        payload = new byte[(int) length];
        payloadFill = 0;
        if (length == 0) {
            emit();
        }
    }

    private void emit() {
        byte[] done = payload;
        SupervisorFrame t = type;
        payload = null;
        headerFill = 0;
        type = null;
        sink.accept(t, done);
    }
}
