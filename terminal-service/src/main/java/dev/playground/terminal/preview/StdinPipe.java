package dev.playground.terminal.preview;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A preview request's bytes on their way into its relay's {@code docker exec}: the tunnel's event loop offers chunks
 * without blocking, docker-java's stdin pump reads them. A read returns as soon as one chunk is there. The tunnel
 * pauses its client while {@link #pending()} is high, so what is queued stays bounded.
 */
final class StdinPipe extends InputStream {

    private static final byte[] EOF = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private long pending;
    private byte[] current;
    private int position;
    private volatile boolean closed;

    /** Queues bytes for the exec; false once closed. */
    boolean offer(byte[] bytes) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            pending += bytes.length;
        }
        chunks.add(bytes);
        return true;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        try {
            while (current == null || position == current.length) {
                if (current == EOF) {
                    return -1;
                }
                byte[] next = chunks.poll(1, TimeUnit.SECONDS);
                if (next == null) {
                    if (closed && chunks.isEmpty()) {
                        current = EOF;
                    }
                    continue;
                }
                current = next;
                position = 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, target, offset, n);
        position += n;
        synchronized (this) {
            pending -= n;
        }
        return n;
    }

    /** Bytes queued and not yet read by the exec. */
    synchronized long pending() {
        return pending;
    }

    @Override
    public void close() {
        closed = true;
        chunks.add(EOF);
    }
}
