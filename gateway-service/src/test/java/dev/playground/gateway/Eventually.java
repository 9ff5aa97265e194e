package dev.playground.gateway;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for an outcome (a breaker closing again, a budget refilled) instead of sleeping a guessed time. */
final class Eventually {

    static void until(String what, Duration within, BooleanSupplier outcome) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!outcome.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    private Eventually() {
    }
}
