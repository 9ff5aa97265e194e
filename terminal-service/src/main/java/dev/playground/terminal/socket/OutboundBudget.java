package dev.playground.terminal.socket;

/**
 * Bytes handed to one client's socket but not yet written out. Senders stop (wait, or stop pulling) while it
 * is at its limit, so a client that does not read holds at most the limit in memory; {@link #fullSinceNanos()}
 * lets the reaper close a client that stays full too long.
 */
public final class OutboundBudget {

    private final long limit;
    private long pending;
    private long fullSince = -1;
    private boolean aborted;

    public OutboundBudget(long limit) {
        this.limit = limit;
    }

    /** Whether another frame may be sent now. */
    public synchronized boolean hasRoom() {
        return !aborted && pending < limit;
    }

    /** Waits until another frame may be sent; false when the socket is gone. */
    public synchronized boolean awaitRoom() throws InterruptedException {
        while (!aborted && pending >= limit) {
            wait(1000);
        }
        return !aborted;
    }

    public synchronized void charge(long bytes) {
        pending += bytes;
        if (pending >= limit && fullSince < 0) {
            fullSince = System.nanoTime();
        }
    }

    public synchronized void release(long bytes) {
        pending -= bytes;
        if (pending < limit) {
            fullSince = -1;
        }
        notifyAll();
    }

    /** Wakes every waiting sender for good: the socket is closing. */
    public synchronized void abort() {
        aborted = true;
        notifyAll();
    }

    /** When the budget became full (System.nanoTime), or -1 while it has room. */
    public synchronized long fullSinceNanos() {
        return fullSince;
    }

    public synchronized long pending() {
        return pending;
    }
}
