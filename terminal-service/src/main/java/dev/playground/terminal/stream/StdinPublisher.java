package dev.playground.terminal.stream;

import dev.playground.contract.execution.StdinMessage;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes what a user types into a running execution to {@code playground.execution.stdin} (key executionId). */
@ApplicationScoped
public class StdinPublisher {

    private final Emitter<StdinMessage> emitter;

    StdinPublisher(@Channel("execution-stdin") Emitter<StdinMessage> emitter) {
        this.emitter = emitter;
    }

    /** Sends one message; completes when the broker has it. */
    public CompletionStage<Void> publish(StdinMessage message) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        emitter.send(Message.of(message)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(message.executionId()).build())
                .withAck(() -> {
                    sent.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(e -> {
                    sent.completeExceptionally(e);
                    return CompletableFuture.completedFuture(null);
                }));
        return sent;
    }
}
