package dev.playground.executor.sandbox;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The stdin side of an attach/exec connection: docker-java copies it to the hijacked socket, we enqueue frames
 * as they become due (setup at once, interactive stdin as it arrives). Unlike PipedInputStream it does not
 * care which thread writes.
 */
final class FrameInput extends InputStream {
    private static final byte[] END = new byte[0];
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int pos;
    private volatile boolean closed;
    private boolean ended;

    void send(byte[] bytes) {
        if (!closed) {
            queue.add(bytes);
        }
    }

    @Override
    public int read() throws java.io.IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
        if (ended) {
            return -1;
        }
        while (pos >= current.length) {
            try {
                current = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            pos = 0;
            if (current == END) {
                ended = true;
                return -1;
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            queue.add(END);
        }
    }
}
