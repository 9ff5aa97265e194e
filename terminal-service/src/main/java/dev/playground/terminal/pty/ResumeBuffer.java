package dev.playground.terminal.pty;

/**
 * The newest output of a detached shell, at most {@code capacity} bytes (older bytes are dropped), for the client that
 * resumes it. Its memory is taken only while the shell is detached. Not thread-safe: its shell guards it.
 */
final class ResumeBuffer {

    private final int capacity;
    private byte[] ring;
    private int start;
    private int size;
    private boolean dropped;

    ResumeBuffer(int capacity) {
        this.capacity = capacity;
    }

    void write(byte[] bytes) {
        if (ring == null) {
            ring = new byte[capacity];
        }
        int from = Math.max(0, bytes.length - capacity);
        dropped |= from > 0;
        for (int i = from; i < bytes.length; i++) {
            ring[(start + size) % capacity] = bytes[i];
            if (size < capacity) {
                size++;
            } else {
                start = (start + 1) % capacity; // the oldest byte was overwritten
                dropped = true;
            }
        }
    }

    /**
     * What it holds, oldest first, and empties it. When older bytes were dropped, the leading bytes that continue a
     * UTF-8 character cut in two are left out, so the client does not draw a replacement character.
     */
    byte[] drain() {
        int skip = 0;
        while (dropped && skip < Math.min(size, 3) && (ring[(start + skip) % capacity] & 0xC0) == 0x80) {
            skip++;
        }
        byte[] out = new byte[size - skip];
        for (int i = 0; i < out.length; i++) {
            out[i] = ring[(start + skip + i) % capacity];
        }
        clear();
        return out;
    }

    /** Forgets what it holds and gives its memory back. */
    void clear() {
        ring = null;
        start = 0;
        size = 0;
        dropped = false;
    }
}
