package dev.playground.e2e;

import java.time.Duration;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

final class Await {
    static ConditionFactory upTo(Duration d) {
        return Awaitility.await().atMost(d).pollInterval(Duration.ofMillis(500)).ignoreExceptions();
    }

    static <T> T value(Duration d, Supplier<T> s, java.util.function.Predicate<T> ok) {
        @SuppressWarnings("unchecked")
        T[] last = (T[]) new Object[1];
        upTo(d).until(() -> {
            last[0] = s.get();
            return ok.test(last[0]);
        });
        return last[0];
    }
}
