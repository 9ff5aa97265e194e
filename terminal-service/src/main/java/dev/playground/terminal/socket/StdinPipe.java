package dev.playground.terminal.pty;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Keystrokes on their way to the shell: the WebSocket side offers chunks without blocking, docker-java's
 * stdin pump reads them. A read returns as soon as one chunk is there, so each keystroke goes out at once.
 * Bounded: a client that pastes faster than the shell reads is refused rather than buffered forever.
 */
final class StdinPipe extends InputStream {

    private static final byte[] EOF = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final long maxPending;
    private long pending;
    private byte[] current;
    private int position;
    private volatile boolean closed;
    /** Opened once the PTY has its size, so typed-ahead commands never run in a 0x0 terminal. */
    private final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);

    StdinPipe(long maxPending) {
        this.maxPending = maxPending;
    }

    /** Queues bytes for the shell; false when over the bound (or closed). */
    boolean offer(byte[] bytes) {
        synchronized (this) {
            if (closed || pending + bytes.length > maxPending) {
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
            ready.await();
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

    /** Lets queued and future keystrokes through to the shell. */
    void open() {
        ready.countDown();
    }

    @Override
    public void close() {
        closed = true;
        ready.countDown();
        chunks.add(EOF);
    }
}
