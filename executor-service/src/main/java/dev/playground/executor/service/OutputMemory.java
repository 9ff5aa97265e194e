package dev.playground.executor.service;

import java.util.concurrent.Semaphore;

/**
 * The heap the runs' output may take together. A run holds, at its end, its output's bytes, their text and the
 * result's JSON; the largest limits allow tens of MB per run, so a few such runs at once would exhaust a small
 * heap (seen: three runs printing 8 MB on stdout and stderr ended the executor with OutOfMemoryError). Each run
 * reserves, before its sandbox starts, what its limits let it print (four streams: compile and run, stdout and
 * stderr) and gives it back when it is done; a run whose reservation does not fit waits, first come first
 * served. A reservation larger than the whole budget takes the whole budget, so every allowed run can start.
 */
final class OutputMemory {

    private static final int STREAMS = 4;

    private final Semaphore kib;
    private final int totalKib;

    OutputMemory(long bytes) {
        this.totalKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes >> 10));
        this.kib = new Semaphore(totalKib, true);
    }

    /** What a run with this per-stream output limit reserves, in KiB. */
    int reservationKib(long outputBytes) {
        long wanted = (STREAMS * Execution.maxJsonBytes(outputBytes) + 1023) >> 10;
        return (int) Math.min(totalKib, wanted);
    }

    void acquire(int reservationKib) throws InterruptedException {
        kib.acquire(reservationKib);
    }

    void release(int reservationKib) {
        kib.release(reservationKib);
    }

    /** KiB not reserved now (for metrics). */
    int availableKib() {
        return kib.availablePermits();
    }
}
