package dev.playground.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FairQueueTest {

    private final FairQueue queue = new FairQueue(2, 8, 32, 2);

    private void submit(String owner, int runs) {
        for (int i = 0; i < runs; i++) {
            queue.reserve(owner);
            queue.enqueue(owner, () -> { });
        }
    }

    @Test
    void runsWaitingCountOnlyWhatFreeSlotsWouldStartWithinEachPrincipalsShare() throws Exception {
        submit("alice", 5);
        submit("bob", 1);
        assertEquals(3, queue.startableWaiting(), "alice's share is 2 running, bob has 1 waiting");

        assertEquals("alice", queue.take().owner());
        assertEquals("bob", queue.take().owner(), "round-robin across principals");
        assertEquals(1, queue.startableWaiting(), "alice has room for one more; bob has nothing waiting");

        assertEquals("alice", queue.take().owner());
        assertEquals(0, queue.startableWaiting(), "alice's 2 waiting are held back only by her share");

        queue.done("alice");
        assertEquals(1, queue.startableWaiting());
    }
}
