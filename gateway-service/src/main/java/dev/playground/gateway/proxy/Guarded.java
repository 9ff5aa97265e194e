package dev.playground.gateway.proxy;

import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.util.TypeLiteral;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** A call toward a service under its circuit breaker: an open breaker or a refusal to start becomes a failed stage. */
public final class Guarded {

    private Guarded() {
    }

    /**
     * @param guard the service's breaker, or null for targets that must not trip one (previews)
     * @param type the stage's type, as SmallRye Fault Tolerance needs it
     */
    public static <T> CompletionStage<T> call(Guard guard, Supplier<CompletionStage<T>> call,
            TypeLiteral<CompletionStage<T>> type) {
        try {
            return guard == null ? call.get() : guard.get(call, type);
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }
}
