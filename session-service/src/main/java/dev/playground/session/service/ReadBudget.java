package dev.playground.session.service;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap shared by reads that hold a large value whole for a moment (a stored result): a read reserves its cost and
 * gives it back when done. A read is refused when others hold the budget and it would go past it; a read alone is
 * always let through, so a value larger than the whole budget can still be read.
 */
final class ReadBudget {

    private final long bytes;
    private final AtomicLong reserved = new AtomicLong();

    ReadBudget(long bytes) {
        this.bytes = bytes;
    }

    /** Reserves {@code cost}; false (nothing reserved) when other reads hold too much of the budget for it. */
    boolean tryReserve(long cost) {
        long before = reserved.getAndAdd(cost);
        if (before > 0 && before + cost > bytes) {
            reserved.addAndGet(-cost);
            return false;
        }
        return true;
    }

    /** Gives back what {@link #tryReserve} took. */
    void release(long cost) {
        reserved.addAndGet(-cost);
    }
}
