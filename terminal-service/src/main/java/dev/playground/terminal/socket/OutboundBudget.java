package dev.playground.terminal.socket;

/**
 * Bytes handed to one client's socket but not yet written out. Senders stop (stop pulling, and ask to be told when
 * there is room) while it is at its limit, so a client that does not read holds at most the limit in memory; {@link #fullSinceNanos()}
 * lets the reaper close a client that stays full too long.
 */
public final class OutboundBudget {

    private final long limit;
    private long pending;
    private long fullSince = -1;
    private boolean aborted;
    private Runnable whenRoom;

    public OutboundBudget(long limit) {
        this.limit = limit;
    }

    /** Whether another frame may be sent now. */
    public synchronized boolean hasRoom() {
        return !aborted && pending < limit;
    }

    /**
     * Runs {@code action} once another frame may be sent, or the socket is gone: at once when that is so now,
     * otherwise on the thread that makes room. One action waits at a time (the one sender that stopped).
     */
    public void onRoom(Runnable action) {
        synchronized (this) {
            if (!aborted && pending >= limit) {
                whenRoom = action;
                return;
            }
        }
        action.run();
    }

    /** The waiting action, taken when there is room now (or the socket is gone); null otherwise. */
    private synchronized Runnable roomMade() {
        if (whenRoom == null || (!aborted && pending >= limit)) {
            return null;
        }
        Runnable action = whenRoom;
        whenRoom = null;
        return action;
    }

    public synchronized void charge(long bytes) {
        pending += bytes;
        if (pending >= limit && fullSince < 0) {
            fullSince = System.nanoTime();
        }
    }

    public void release(long bytes) {
        synchronized (this) {
            pending -= bytes;
            if (pending < limit) {
                fullSince = -1;
            }
        }
        runIfRoom();
    }

    /** Lets the waiting sender go for good: the socket is closing. */
    public void abort() {
        synchronized (this) {
            aborted = true;
        }
        runIfRoom();
    }

    private void runIfRoom() {
        Runnable action = roomMade();
        if (action != null) {
            action.run();
        }
    }

    /** When the budget became full (System.nanoTime), or -1 while it has room. */
    public synchronized long fullSinceNanos() {
        return fullSince;
    }

    public synchronized long pending() {
        return pending;
    }
}
