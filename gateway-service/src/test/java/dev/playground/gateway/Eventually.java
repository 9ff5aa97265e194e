package dev.playground.gateway;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for an outcome (a breaker closing again, a budget refilled) instead of sleeping a guessed time. */
public final class Eventually {

    public static void until(String what, Duration within, BooleanSupplier outcome) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!outcome.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what, e);
            }
        }
    }

    private Eventually() {
    }
}
