package dev.playground.terminal.socket;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Bytes on their way into a {@code docker exec} (keystrokes to a shell, a preview's request to its server): the
 * socket side offers chunks without blocking, docker-java's stdin pump reads them. A read returns as soon as one chunk
 * is there, so each keystroke goes out at once. Bounded: a client that sends faster than the exec reads is refused
 * (or paused by its caller) rather than buffered forever.
 */
public final class StdinPipe extends InputStream {

    private static final byte[] EOF = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final long maxPending;
    private long pending;
    private byte[] current;
    private int position;
    private volatile boolean closed;
    /** Opened once the PTY has its size, so typed-ahead commands never run in a 0x0 terminal. */
    private final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);

    public StdinPipe(long maxPending) {
        this.maxPending = maxPending;
    }

    /** Queues bytes for the exec; false when over the bound (or closed). */
    public boolean offer(byte[] bytes) {
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

    /** Bytes queued and not yet read by the exec. */
    public synchronized long pending() {
        return pending;
    }

    /** Lets queued and future bytes through to the exec (a shell waits for its PTY size first). */
    public void open() {
        ready.countDown();
    }

    @Override
    public void close() {
        closed = true;
        ready.countDown();
        chunks.add(EOF);
    }
}
