package dev.playground.executor.service;

import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Admission and fair dispatch of runs. A principal may have {@code perPrincipalRunning} runs in sandboxes and
 * {@code perPrincipalQueued} waiting; past its share it is refused (429) while others are served. All principals
 * together may have {@code totalQueued} waiting; past that the executor is busy (503). Free workers take the next run
 * round-robin across principals, skipping a principal already at its running share, so a principal with forty runs
 * queued does not make another's one run wait behind them.
 */
final class FairQueue {

    /** A run taken by a worker. */
    record Taken(String owner, Runnable run) {
    }

    private final int perPrincipalRunning;
    private final int perPrincipalQueued;
    private final int totalQueued;
    private final int retryAfterSeconds;
    private final Map<String, ArrayDeque<Runnable>> waiting = new HashMap<>();
    private final Map<String, Integer> reserved = new HashMap<>();
    private final Map<String, Integer> running = new HashMap<>();
    /** Principals with runs waiting, in the order they get their next turn. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private int queued;
    private boolean closed;

    FairQueue(int perPrincipalRunning, int perPrincipalQueued, int totalQueued, int retryAfterSeconds) {
        this.perPrincipalRunning = perPrincipalRunning;
        this.perPrincipalQueued = perPrincipalQueued;
        this.totalQueued = totalQueued;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Holds a place in the queue for one run of {@code owner}, or refuses with the problem the caller gets. */
    synchronized void reserve(String owner) {
        if (closed) {
            throw ApiProblem.of(ProblemType.SHUTTING_DOWN, "This executor is shutting down; retry in a moment.")
                    .retryAfter(retryAfterSeconds);
        }
        int mine = reserved.getOrDefault(owner, 0);
        if (mine >= perPrincipalQueued) {
            throw ApiProblem.of(ProblemType.SHARE_EXCEEDED, "You already have " + mine + " runs waiting (and up to "
                    + perPrincipalRunning + " running); wait for some to finish.").retryAfter(retryAfterSeconds);
        }
        if (queued >= totalQueued) {
            throw ApiProblem.of(ProblemType.BUSY, "Every sandbox is busy and " + queued + " runs are waiting; retry "
                    + "after " + retryAfterSeconds + " s.").retryAfter(retryAfterSeconds);
        }
        reserved.put(owner, mine + 1);
        queued++;
    }

    /** Gives back a place reserved for a run that will not be enqueued. */
    synchronized void unreserve(String owner) {
        decrement(reserved, owner);
        queued--;
    }

    /** Puts a reserved run in line. */
    synchronized void enqueue(String owner, Runnable run) {
        ArrayDeque<Runnable> mine = waiting.computeIfAbsent(owner, o -> new ArrayDeque<>());
        if (mine.isEmpty()) {
            turns.addLast(owner);
        }
        mine.addLast(run);
        notifyAll();
    }

    /** The next run a worker may start, waiting until there is one; null once closed. */
    synchronized Taken take() throws InterruptedException {
        while (!closed) {
            for (int i = turns.size(); i > 0; i--) {
                String owner = turns.pollFirst();
                if (running.getOrDefault(owner, 0) >= perPrincipalRunning) {
                    turns.addLast(owner);
                    continue;
                }
                ArrayDeque<Runnable> mine = waiting.get(owner);
                Runnable run = mine.pollFirst();
                if (mine.isEmpty()) {
                    waiting.remove(owner);
                } else {
                    turns.addLast(owner);
                }
                decrement(reserved, owner);
                queued--;
                running.merge(owner, 1, Integer::sum);
                return new Taken(owner, run);
            }
            wait();
        }
        return null;
    }

    /** True when a run waits that a free slot would start now (one held back only by its principal's share does not). */
    synchronized boolean hasStartableWaiting() {
        for (String owner : turns) {
            if (running.getOrDefault(owner, 0) < perPrincipalRunning) {
                return true;
            }
        }
        return false;
    }

    /** A run of {@code owner} ended: its share has room again. */
    synchronized void done(String owner) {
        decrement(running, owner);
        notifyAll();
    }

    /** Stops handing out runs; returns those still waiting, for the caller to end. */
    synchronized java.util.List<Runnable> close() {
        closed = true;
        java.util.List<Runnable> left = new java.util.ArrayList<>();
        waiting.values().forEach(left::addAll);
        waiting.clear();
        turns.clear();
        notifyAll();
        return left;
    }

    private static void decrement(Map<String, Integer> counts, String owner) {
        counts.computeIfPresent(owner, (o, n) -> n <= 1 ? null : n - 1);
    }
}
